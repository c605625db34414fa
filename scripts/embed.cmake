# Turns the file IN into a C source OUT defining `const char SYM[]` (NUL-terminated).
file(READ ${IN} hex HEX)
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," body "${hex}")
file(WRITE ${OUT} "/* generated from ${IN}; do not edit */\n#include <stddef.h>\nconst char ${SYM}[] = {${body} 0x00};\nconst size_t ${SYM}_len = sizeof(${SYM}) - 1;\n")
