// phone.cc — the C interface of phone.h over libphonenumber (C++).
#include <atomic>
#include <cctype>
#include <cstdlib>
#include <cstring>
#include <string>

#include <phonenumbers/phonenumberutil.h>

extern "C" {
#include "core/phone.h"
}

using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;

static hh_phone_result normalize_full(const char *input, const char *region, bool mobile_only,
                                      char out[HH_PHONE_MAX]);

// A plain 11-digit mainland number ("13812345678", the usual input) is judged
// by its first seven digits: libphonenumber's CN patterns fix the validity and
// the type of an 11-digit number by its prefix. The first number seen with a
// prefix is judged in full and the answer kept for the prefix (thread-safe;
// 0 unknown, else 1 + hh_phone_result).
static std::atomic<signed char> cn_memo[1000000];

static bool plain_cn(const char *s)
{
    if (s[0] != '1') return false;
    for (int i = 0; i < 11; i++)
        if (s[i] < '0' || s[i] > '9') return false;
    return s[11] == 0;
}

extern "C" hh_phone_result hh_phone_normalize(const char *input, const char *region,
                                              bool mobile_only, char out[HH_PHONE_MAX])
{
    if (input && mobile_only && (!region || !std::strcmp(region, "CN")) && plain_cn(input)) {
        int prefix = 0;
        for (int i = 0; i < 7; i++) prefix = prefix * 10 + (input[i] - '0');
        std::atomic<signed char> &m = cn_memo[prefix - 1000000];
        signed char known = m.load(std::memory_order_relaxed);
        if (known) {
            hh_phone_result r = (hh_phone_result)(known - 1);
            if (r == HH_PHONE_OK) {
                std::memcpy(out, "+86", 3);
                std::memcpy(out + 3, input, 12);
            } else {
                out[0] = 0;
            }
            return r;
        }
        hh_phone_result r = normalize_full(input, region, mobile_only, out);
        m.store((signed char)(r + 1), std::memory_order_relaxed);
        return r;
    }
    return normalize_full(input, region, mobile_only, out);
}

static hh_phone_result normalize_full(const char *input, const char *region, bool mobile_only,
                                      char out[HH_PHONE_MAX])
{
    out[0] = 0;
    if (!input) return HH_PHONE_EMPTY;
    std::string s(input);
    if (s.find_first_not_of(" \t") == std::string::npos) return HH_PHONE_EMPTY;
    if (s.size() > 64) return HH_PHONE_UNPARSABLE;
    // As typed by a person: digits, spaces and + - ( ) . only, also in their
    // full-width forms (U+FF10–FF19, U+FF0B, U+FF0D, U+3000). Letters, markup,
    // emoji or "tel:" are not a phone number.
    for (size_t i = 0; i < s.size(); i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x80) {
            if (!c || (!std::isdigit(c) && !std::strchr(" \t+-().", c))) return HH_PHONE_UNPARSABLE;
            continue;
        }
        if (i + 2 < s.size() && c == 0xEF && (unsigned char)s[i + 1] == 0xBC) {
            unsigned char d = (unsigned char)s[i + 2];
            if ((d >= 0x90 && d <= 0x99) || d == 0x8B || d == 0x8D) {
                i += 2;
                continue;
            }
        }
        if (i + 2 < s.size() && c == 0xE3 && (unsigned char)s[i + 1] == 0x80 && (unsigned char)s[i + 2] == 0x80) {
            i += 2;
            continue;
        }
        return HH_PHONE_UNPARSABLE;
    }
    // "0086…" is the international prefix seen from China.
    size_t first = s.find_first_not_of(" \t");
    if (s.compare(first, 4, "0086") == 0) s = "+86" + s.substr(first + 4);
    const PhoneNumberUtil *util = PhoneNumberUtil::GetInstance();
    PhoneNumber pn;
    if (util->Parse(s, region ? region : "CN", &pn) != PhoneNumberUtil::NO_PARSING_ERROR)
        return HH_PHONE_UNPARSABLE;
    if (!util->IsValidNumber(pn)) return HH_PHONE_INVALID;
    if (mobile_only) {
        PhoneNumberUtil::PhoneNumberType t = util->GetNumberType(pn);
        if (t != PhoneNumberUtil::MOBILE && t != PhoneNumberUtil::FIXED_LINE_OR_MOBILE)
            return HH_PHONE_NOT_MOBILE;
    }
    std::string e164;
    util->Format(pn, PhoneNumberUtil::E164, &e164);
    if (e164.size() >= HH_PHONE_MAX) return HH_PHONE_INVALID;
    std::memcpy(out, e164.c_str(), e164.size() + 1);
    return HH_PHONE_OK;
}

extern "C" bool hh_phone_cn_mobile_valid(const char *digits11)
{
    const PhoneNumberUtil *util = PhoneNumberUtil::GetInstance();
    PhoneNumber pn;
    pn.set_country_code(86);
    pn.set_national_number(std::strtoull(digits11, nullptr, 10));
    /* GetNumberType is UNKNOWN for an invalid number (IsValidNumber runs the same
     * pattern matching again), so the type alone answers: half the regex work */
    PhoneNumberUtil::PhoneNumberType t = util->GetNumberType(pn);
    return t == PhoneNumberUtil::MOBILE || t == PhoneNumberUtil::FIXED_LINE_OR_MOBILE;
}

extern "C" void hh_phone_mask(const char *e164, char *out, size_t outlen)
{
    if (!outlen) return;
    std::string s(e164 ? e164 : "");
    std::string r;
    if (s.rfind("+86", 0) == 0 && s.size() == 14) {
        std::string n = s.substr(3);
        r = n.substr(0, 3) + "****" + n.substr(7);
    } else if (s.size() > 8) {
        const PhoneNumberUtil *util = PhoneNumberUtil::GetInstance();
        PhoneNumber pn;
        std::string cc, nat;
        if (util->Parse(s, "ZZ", &pn) == PhoneNumberUtil::NO_PARSING_ERROR) {
            cc = "+" + std::to_string(pn.country_code());
            nat = s.substr(cc.size());
        } else {
            cc = s.substr(0, 3);
            nat = s.substr(3);
        }
        size_t keep = nat.size() > 5 ? 4 : 1;
        r = cc + " " + nat.substr(0, 1) + std::string(nat.size() - 1 - keep, '*') +
            nat.substr(nat.size() - keep);
    } else {
        r = std::string(s.size(), '*');
    }
    std::strncpy(out, r.c_str(), outlen - 1);
    out[outlen - 1] = 0;
}
