/* printf conversions and flags: %d %i %u %x %X %o %c %s %%, field width,
   left alignment, zero padding, + and space signs, # alternate forms,
   precision on strings and integers, * width and precision from arguments,
   and the length modifiers hh h l ll z.  No %p: addresses vary. */
#include <stdio.h>
#include <limits.h>

int main(void)
{
    int n = 42;
    int neg = -42;
    long l = -1234567890123L;
    unsigned long ul = 18446744073709551615UL;
    long long ll = 9000000000000000000LL;
    size_t z = 4096;
    signed char hh = -5;
    short h = -300;
    int count;

    printf("[%d] [%i] [%u] [%x] [%X] [%o] [%c] [%s] [%%]\n", n, n, n, 255, 255, 8, 'Z', "str");
    printf("[%5d] [%-5d|] [%05d] [%+d] [% d] [%+d] [% d]\n", n, n, n, n, n, neg, neg);
    printf("[%5d] [%-5d|] [%05d]\n", neg, neg, neg);
    printf("[%#x] [%#X] [%#o] [%#x] [%#o]\n", 255, 255, 8, 0, 0);
    printf("[%.3s] [%10.3s] [%-10.3s|] [%.0s] [%.10s]\n", "abcdef", "abcdef", "abcdef", "abc", "abc");
    printf("[%*d] [%-*d|] [%.*s] [%*.*d]\n", 6, n, 6, n, 2, "xyz", 8, 5, n);
    printf("[%.5d] [%8.5d] [%-8.3d|] [%.0d] [%+.3d]\n", n, n, n, 0, 7);
    printf("[%ld] [%lu] [%lx] [%lld] [%zu] [%zx]\n", l, ul, ul, ll, z, z);
    printf("[%hhd] [%hd] [%hhu] [%hu] [%hhx]\n", hh, h, (unsigned char)200, (unsigned short)65000, 0x1ff);
    printf("[%d] [%d] [%u] [%x]\n", INT_MAX, INT_MIN, UINT_MAX, UINT_MAX);
    printf("[%ld] [%ld]\n", LONG_MAX, LONG_MIN);
    printf("[%c%c%c] [%3c] [%-3c|]\n", 'a', 'b', 'c', 'x', 'y');
    printf("[%s] [%8s] [%-8s|] [%s]\n", "", "right", "left", "tab\there");
    printf("[%08x] [%-#10x|] [%#010x] [%+05d] [% 05d]\n", 0xbeef, 0xbeef, 0xbeef, n, n);
    printf("[%x] [%X] [%o]\n", -1, 3054, 511);
    count = printf("%s\n", "counted");
    printf("printf returned %d\n", count);
    count = printf("");
    printf("empty printf returned %d\n", count);
    printf("%d%%%d\n", 50, 50);
    return 0;
}
