/* Signed and unsigned integers: unsigned arithmetic wraps modulo 2^N,
   conversions to a narrower unsigned type keep the low bits, the usual
   arithmetic conversions turn -1 into a huge unsigned value in mixed
   comparisons, and small types are promoted to int before arithmetic. */
#include <stdio.h>
#include <limits.h>

int main(void)
{
    unsigned int u = UINT_MAX;
    unsigned char uc = 250;
    unsigned short us = 65535;
    unsigned long ul = 0;
    int i = -1;
    unsigned char a = 200, b = 100;
    int sum;
    unsigned char wrapped;

    u = u + 1;
    printf("UINT_MAX + 1 = %u\n", u);
    u = 0;
    u = u - 1;
    printf("0u - 1 = %u\n", u);
    uc += 10;
    printf("unsigned char 250 + 10 = %d\n", uc);
    us++;
    printf("unsigned short 65535 + 1 = %d\n", us);
    ul--;
    printf("0ul - 1 = %lu\n", ul);
    printf("(unsigned)-1 = %u, (unsigned char)-1 = %d, (unsigned short)-2 = %d\n",
           (unsigned)i, (unsigned char)i, (unsigned short)-2);
    printf("(unsigned char)0x1234 = %d, (unsigned short)0x12345678 = %d\n",
           (unsigned char)0x1234, (unsigned short)0x12345678);
    printf("-1 < 0u is %d, -1 < 0 is %d, -1L < 0u is %d\n", -1 < 0u, -1 < 0, -1L < 0u);
    printf("(unsigned)i > 5 is %d\n", (unsigned)i > 5);
    sum = a + b;
    wrapped = a + b;
    printf("uchar 200 + uchar 100 as int = %d, stored in uchar = %d\n", sum, wrapped);
    printf("sizeof(uc + uc) = %zu, sizeof(us * 1u) = %zu, sizeof(1 + 1L) = %zu\n",
           sizeof(uc + uc), sizeof(us * 1u), sizeof(1 + 1L));
    printf("-7 / 2 = %d, -7 %% 2 = %d, 7 / -2 = %d, 7 %% -2 = %d\n", -7 / 2, -7 % 2, 7 / -2, 7 % -2);
    printf("7u / 2 = %u, 4000000000u / 3 = %u\n", 7u / 2, 4000000000u / 3);
    printf("65535u * 65537u = %u\n", 65535u * 65537u);
    printf("(unsigned long)UINT_MAX * 2 = %lu\n", (unsigned long)UINT_MAX * 2);
    printf("-INT_MAX - 1 = %d\n", -INT_MAX - 1);
    printf("(long long)INT_MAX * INT_MAX = %lld\n", (long long)INT_MAX * INT_MAX);
    return 0;
}
