#include <stdio.h>

int main(void)
{
    char c = -1;
    unsigned char uc = 255;
    short s = -32768;
    unsigned short us = 65535;
    int i = -2147483647 - 1;
    unsigned u = 4294967295u;
    long l = -9223372036854775807L - 1;
    unsigned long ul = 18446744073709551615UL;
    long long ll = 1LL << 62;
    _Bool b = 42;

    printf("%d %d %d %d\n", c, uc, s, us);
    printf("%d %u %ld %lu %ld\n", i, u, l, ul, (long)ll);
    printf("%d %d\n", b, (_Bool)0);
    printf("%d %d %d\n", c == uc, (unsigned char)c == uc, c < uc);
    printf("%d %d\n", -1 < 1u, -1L < 1u);
    printf("%u %d\n", (unsigned)-1, (int)4294967295u);
    printf("%d %d\n", (char)200, (short)70000);
    printf("%lu %lu %lu %lu\n", sizeof(c + c), sizeof(us * us), sizeof(u + l), sizeof 'a');
    i = 2147483647;
    i++;
    printf("%d\n", i);
    u = 0;
    u--;
    printf("%u\n", u);
    c = 127;
    c += 1;
    printf("%d\n", c);
    uc = 200;
    uc *= 2;
    printf("%d\n", uc);
    s = 1000;
    s *= 100;
    printf("%d\n", s);
    printf("%d %d %d %d\n", 7 / 2, -7 / 2, 7 % -2, -7 % 2);
    printf("%u %u\n", 7u / 2u, (unsigned)-7 / 2u);
    printf("%d %d %u\n", -16 >> 2, -1 >> 31, 0x80000000u >> 31);
    printf("%lx %x\n", 1UL << 63, 1u << 31);
    printf("%x %x %x\n", 0xf0 & 0x3c, 0xf0 | 0x0f, 0xff ^ 0x0f);
    printf("%d %d %d\n", ~0, !0, !5);
    return 0;
}
