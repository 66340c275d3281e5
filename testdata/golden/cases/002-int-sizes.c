/* sizeof of the integer types, pointers and arrays on x86-64 (LP64), and
   the limits from <limits.h> and <stdint.h>. */
#include <stdio.h>
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <limits.h>

int main(void)
{
    int a[10];
    char s[] = "hello";
    long *lp = 0;

    printf("char %zu, short %zu, int %zu, long %zu, long long %zu\n",
           sizeof(char), sizeof(short), sizeof(int), sizeof(long), sizeof(long long));
    printf("unsigned: %zu %zu %zu %zu\n", sizeof(unsigned char), sizeof(unsigned short),
           sizeof(unsigned int), sizeof(unsigned long));
    printf("size_t %zu, ptrdiff_t %zu, uintptr_t %zu, bool %zu\n",
           sizeof(size_t), sizeof(ptrdiff_t), sizeof(uintptr_t), sizeof(bool));
    printf("int8 %zu, int16 %zu, int32 %zu, int64 %zu\n",
           sizeof(int8_t), sizeof(int16_t), sizeof(int32_t), sizeof(int64_t));
    printf("void * %zu, char * %zu, int (*)[10] %zu\n", sizeof(void *), sizeof(char *),
           sizeof(int (*)[10]));
    printf("int a[10]: %zu bytes, %zu elements\n", sizeof a, sizeof a / sizeof a[0]);
    printf("char s[] = \"hello\": %zu bytes\n", sizeof s);
    printf("sizeof *lp = %zu, sizeof 'a' = %zu, sizeof 1L = %zu\n", sizeof *lp, sizeof 'a', sizeof 1L);
    printf("CHAR_BIT %d, SCHAR_MIN %d, SCHAR_MAX %d, UCHAR_MAX %d\n", CHAR_BIT, SCHAR_MIN, SCHAR_MAX, UCHAR_MAX);
    printf("SHRT_MIN %d, SHRT_MAX %d, USHRT_MAX %d\n", SHRT_MIN, SHRT_MAX, USHRT_MAX);
    printf("INT_MIN %d, INT_MAX %d, UINT_MAX %u\n", INT_MIN, INT_MAX, UINT_MAX);
    printf("LONG_MIN %ld, LONG_MAX %ld\n", LONG_MIN, LONG_MAX);
    printf("ULONG_MAX %lu, LLONG_MAX %lld\n", ULONG_MAX, LLONG_MAX);
    printf("SIZE_MAX %zu, INT64_MIN %ld, UINT32_MAX %u\n", SIZE_MAX, (long)INT64_MIN, UINT32_MAX);
    return 0;
}
