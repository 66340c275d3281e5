/* Shifts and bitwise operators on unsigned values: &, |, ^, ~, << and >>,
   masks, counting bits, 64-bit shifts with 1UL, and rotating a 32-bit word. */
#include <stdio.h>
#include <stdint.h>

int popcount(unsigned long x)
{
    int n = 0;
    while (x) {
        n += x & 1;
        x >>= 1;
    }
    return n;
}

uint32_t rotl32(uint32_t x, int r)
{
    return (x << r) | (x >> (32 - r));
}

int main(void)
{
    unsigned int x = 0xF0F0u;
    unsigned int y = 0x0FF0u;
    unsigned long big = 1UL << 40;
    unsigned int flags = 0;
    int i;

    printf("x & y = %#x, x | y = %#x, x ^ y = %#x, ~x = %#x\n", x & y, x | y, x ^ y, ~x);
    printf("1 << 4 = %d, 256 >> 3 = %d, 0x80000000u >> 31 = %u\n", 1 << 4, 256 >> 3, 0x80000000u >> 31);
    printf("1UL << 40 = %lu = %#lx\n", big, big);
    printf("0xFFFFFFFFu << 4 = %#x\n", 0xFFFFFFFFu << 4);
    printf("(uint8_t)(0xAB << 4) = %#x, 0xAB << 4 = %#x\n", (uint8_t)(0xAB << 4), 0xAB << 4);
    flags |= 1u << 3;
    flags |= 1u << 0;
    flags ^= 1u << 5;
    printf("flags = %#x, bit 3 set %d, bit 4 set %d\n", flags, (flags >> 3) & 1, (flags & (1u << 4)) != 0);
    flags &= ~(1u << 3);
    printf("after clearing bit 3: %#x\n", flags);
    printf("popcount(0) = %d, popcount(0xFF) = %d, popcount(ULONG_MAX) = %d\n",
           popcount(0), popcount(0xFF), popcount(~0UL));
    printf("rotl32(0x12345678, 8) = %#x\n", rotl32(0x12345678u, 8));
    printf("page of 0x12345 = %#x, offset = %#x\n", 0x12345 >> 12, 0x12345 & 0xfff);
    printf("align up 5000 to 4096 = %u\n", (5000u + 4095u) & ~4095u);
    printf("powers of two:");
    for (i = 0; i < 64; i += 9)
        printf(" %lu", 1UL << i);
    printf("\n");
    printf("is power of two: 64 %d, 96 %d\n", (64 & (64 - 1)) == 0, (96 & (96 - 1)) == 0);
    printf("!0 = %d, !5 = %d, !!5 = %d, ~0 = %d\n", !0, !5, !!5, ~0);
    return 0;
}
