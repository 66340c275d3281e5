/* Operators: compound assignment, pre/post ++ and --, the comma operator,
   ?:, precedence, and the short circuit of && and || (the right side is not
   evaluated). */
#include <stdio.h>

int calls = 0;

int touch(int v)
{
    calls++;
    return v;
}

int main(void)
{
    int a = 5, b, c, d;
    int i = 10;
    int x;

    b = a++;
    c = ++a;
    printf("a++ gave %d, ++a gave %d, a is %d\n", b, c, a);
    b = a--;
    c = --a;
    printf("a-- gave %d, --a gave %d, a is %d\n", b, c, a);

    x = 100;
    x += 5;  printf("+= %d\n", x);
    x -= 15; printf("-= %d\n", x);
    x *= 3;  printf("*= %d\n", x);
    x /= 4;  printf("/= %d\n", x);
    x %= 7;  printf("%%= %d\n", x);
    x <<= 4; printf("<<= %d\n", x);
    x >>= 2; printf(">>= %d\n", x);
    x |= 0x100; printf("|= %d\n", x);
    x &= 0x1F0; printf("&= %d\n", x);
    x ^= 0xFF;  printf("^= %d\n", x);

    d = (i++, i++, i * 2);
    printf("comma: d = %d, i = %d\n", d, i);
    for (a = 0, b = 10; a < b; a += 3, b -= 2)
        ;
    printf("for with commas ends at a = %d, b = %d\n", a, b);

    printf("max(3, 9) = %d, min = %d\n", 3 > 9 ? 3 : 9, 3 < 9 ? 3 : 9);
    x = 0;
    printf("nested ?: %s %s %s\n", x < 0 ? "neg" : x == 0 ? "zero" : "pos",
           5 < 0 ? "neg" : 5 == 0 ? "zero" : "pos", -5 < 0 ? "neg" : "nonneg");

    printf("2 + 3 * 4 = %d, (2 + 3) * 4 = %d, 10 - 4 - 3 = %d, 1 << 2 + 1 = %d\n",
           2 + 3 * 4, (2 + 3) * 4, 10 - 4 - 3, 1 << 2 + 1);
    printf("1 | 2 == 2 is %d, 6 & 3 == 2 is %d\n", 1 | 2 == 2, (6 & 3) == 2);

    calls = 0;
    x = touch(0) && touch(1);
    printf("0 && f(): %d, calls %d\n", x, calls);
    calls = 0;
    x = touch(1) || touch(0);
    printf("1 || f(): %d, calls %d\n", x, calls);
    calls = 0;
    x = touch(1) && touch(2) && touch(0) && touch(3);
    printf("chain: %d, calls %d\n", x, calls);
    x = 5;
    x = x++ ? 10 : 20;
    printf("x = x++ ? 10 : 20 -> %d\n", x);
    return 0;
}
