/*
 * gen_members.c — writes a legacy member CSV of N rows for the import
 * benchmark: unique mainland mobile numbers spread over real prefixes, names,
 * genders, birthdays, city codes, sequential legacy member numbers and
 * registration times; one row in 1000 has a malformed phone and one in 5000
 * repeats an earlier phone (the importer must report both).
 * Usage: gen_members N > members.csv
 */
#include <stdio.h>
#include <stdlib.h>

static const char *const prefixes[] = {"130", "131", "132", "133", "135", "136", "137", "138", "139",
                                       "150", "151", "152", "155", "156", "157", "158", "159", "176",
                                       "177", "178", "180", "181", "182", "183", "185", "186", "187",
                                       "188", "189", "198", "199"};
static const char *const names[] = {"王芳", "李娜", "张伟", "刘洋", "陈静", "杨敏", "赵丽", "黄婷"};
static const char *const cities[] = {"310100", "110100", "440100", "440300", "330100", "510100"};

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 1000000;
    static char buf[1 << 20];
    setvbuf(stdout, buf, _IOFBF, sizeof buf);
    fputs("会员号,手机号,姓名,性别,生日,城市代码,注册时间\n", stdout);
    const long np = (long)(sizeof prefixes / sizeof *prefixes);
    for (long i = 0; i < n; i++) {
        /* a bijection of i over 10^8 per prefix keeps numbers unique and scattered */
        long k = i / np, p = i % np;
        long sub = (k * 48271L + 12345L) % 100000000L;
        char phone[16];
        if (i % 1000 == 999)
            snprintf(phone, sizeof phone, "12345");
        else if (i % 5000 == 4998 && i > np)
            snprintf(phone, sizeof phone, "%s%08ld", prefixes[(i - np) % np], (((i - np) / np) * 48271L + 12345L) % 100000000L);
        else
            snprintf(phone, sizeof phone, "%s%08ld", prefixes[p], sub);
        printf("L%010ld,%s,%s,%s,19%02ld-%02ld-%02ld,%s,20%02ld-%02ld-%02ld 10:%02ld:00\n", i, phone, names[i % 8],
               i % 3 ? "女" : "男", 60 + i % 40, 1 + i % 12, 1 + i % 28, cities[i % 6], 12 + i % 12, 1 + (i / 7) % 12,
               1 + (i / 3) % 28, i % 60);
    }
    return 0;
}
