/*
 * import.h — legacy member import from CSV (huohua import members, and the
 * admin console's upload). See import.c.
 */
#ifndef HH_MEMBER_IMPORT_H
#define HH_MEMBER_IMPORT_H

#include "store/store.h"

typedef struct hh_import_stats {
    int64_t rows;        /* data rows read */
    int64_t created;     /* new members */
    int64_t existing;    /* phone already a member: left as it was */
    int64_t duplicate;   /* phone seen earlier in the same file */
    int64_t invalid;     /* refused, with a reason in the error report */
    int64_t bytes_total, bytes_done;
} hh_import_stats;

/* Called about every 8 MiB read; returning false stops the import (HH_E_UNAVAILABLE). */
typedef bool (*hh_import_progress)(void *ud, const hh_import_stats *s);

/*
 * Import members of enterprise_id from the CSV at path. The header row names
 * the columns (Chinese or English: 手机号/phone, 姓名/name, 性别/gender,
 * 生日/birthday, 城市代码/city_code, 会员号/legacy_no, 注册时间/registered_at);
 * only the phone column is required. Invalid and duplicate rows are written to
 * errors_path as "line,reason,content". Existing members are left unchanged,
 * so importing the same file again changes nothing. progress (may be NULL) is
 * called about every chunk. *err gets a message when the file cannot be read.
 */
hh_status hh_import_members(hh_store *store, int64_t enterprise_id, const char *path, const char *errors_path,
                            hh_import_progress progress, void *ud, hh_import_stats *out, char *err, size_t errlen);

#endif
