/* The shapes the interpreter fuses (x = y; x op= y; x++; x cmp y;
 * x + y; for loops testing and stepping a local), for every integer
 * type, with wrap-around, signed and unsigned comparisons, constants
 * and locals, and frames at every offset in a page (recursion). */
#include <stdio.h>

static unsigned long mix(unsigned long h, unsigned long v) { return (h ^ v) * 1099511628211UL; }

static unsigned long types(void)
{
    unsigned long h = 14695981039346656037UL;
    char c = 120; signed char sc = -100; unsigned char uc = 250;
    short s = 32760; unsigned short us = 65530;
    int i = 2147483640; unsigned u = 4294967290u;
    long l = 9223372036854775800L; unsigned long ul = 18446744073709551610UL;
    long long ll = -5; unsigned long long ull = 7;
    _Bool b = 1;
    int k;
    for (k = 0; k < 20; k++) {
        c += 3; sc -= 7; uc += 11; s += 1000; us += 999;
        i += 100; u += 3; l += 5; ul += 4; ll *= -3; ull ^= 0x5555;
        c++; sc--; uc++; s--; us++; i--; u++; l--; ul++;
        h = mix(h, c); h = mix(h, sc); h = mix(h, uc); h = mix(h, s); h = mix(h, us);
        h = mix(h, i); h = mix(h, u); h = mix(h, l); h = mix(h, ul); h = mix(h, ll); h = mix(h, ull);
        c = sc; s = c; i = s; l = i; u = uc; ul = u; uc = us; b = k & 1;
        h = mix(h, b);
        c &= 0x5f; s |= 0x100; i ^= 0x3c; us *= 3; uc *= 7; sc *= 5;
    }
    b += 4294967295u;
    h = mix(h, b);
    printf("types %lx %d %d %u %d %u %d %u %ld %lu %d\n", h, c, s, uc, i, u, (int)sc, us, l, ul, b);
    return h;
}

static void compares(void)
{
    int i = -1, j = 1; unsigned u = 1, v = 4294967295u;
    long l = -1; unsigned long ul = 1; char c = -1; unsigned char uc = 255;
    short s = -2; unsigned short us = 65534;
    int n = 0;
    if (i < j) n += 1;
    if (u < v) n += 2;
    if (i < 0) n += 4;
    if (v > 0) n += 8;
    if (l < 0) n += 16;
    if (ul >= 1) n += 32;
    if (c == -1) n += 64;
    if (uc == 255) n += 128;
    if (s <= -2) n += 256;
    if (us != 65534) n += 512;
    if (i >= j) n += 1024;
    if (l > -2) n += 2048;
    if (c < uc) n += 4096;
    printf("compares %d\n", n);
}

static long loops(long n)
{
    long i, s = 0, t = 0;
    int k;
    unsigned w;
    for (i = 0; i < n; i++) s += i;
    for (i = n; i > 0; i--) t -= i;
    for (k = 0; k <= 10; k += 3) s += k;
    for (w = 10; w != 0; w--) t += w;
    for (i = 0; i < 100; i++) { if (i == 50) break; if (i & 1) continue; s += 2; }
    k = 0;
    while (k < 7) { k++; s += k; }
    do { k--; t += k; } while (k > 2);
    for (i = 0; i < 3; i++) for (k = 0; k < 3; k++) t += i * k;
    printf("loops %ld %ld %d\n", s, t, k);
    return s + t;
}

static int depth(int d, int acc)
{
    char pad[40];
    int x = d, y = acc;
    long z = d;
    pad[d % 40] = (char)d;
    x += 3; y -= x; z *= 2; x++; y--;
    if (x > 1000000) return 0;
    if (d == 0) return y + (int)z + pad[0];
    return depth(d - 1, y + (int)z) + (x < y);
}

static int depth2(int d)
{
    char pad[200];
    int a = d;
    pad[0] = 1;
    a += pad[0];
    if (d == 0) return a;
    return depth2(d - 1) + a % 7;
}

int main(void)
{
    types();
    compares();
    loops(1000);
    printf("depth %d %d\n", depth(900, 1), depth2(700));
    return 0;
}
