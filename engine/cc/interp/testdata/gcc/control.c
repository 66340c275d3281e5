#include <stdio.h>

enum color { RED, GREEN = 5, BLUE, LAST = BLUE * 2 };

int classify(int x)
{
    switch (x) {
    case 0:
        return 100;
    case 1:
    case 2:
        x += 10;
    case 3:
        x += 100;
        break;
    case GREEN:
        x = -1;
        break;
    default:
        x = 0;
    }
    return x;
}

int collatz(long n)
{
    int steps = 0;
    while (n != 1) {
        n = n % 2 ? 3 * n + 1 : n / 2;
        steps++;
    }
    return steps;
}

int counter(void)
{
    static int calls;
    static int base = 1000;
    return base + calls++;
}

int ack(int m, int n)
{
    if (m == 0)
        return n + 1;
    if (n == 0)
        return ack(m - 1, 1);
    return ack(m - 1, ack(m, n - 1));
}

int main(void)
{
    int i, total = 0;

    for (i = 0; i < 7; i++)
        printf("%d ", classify(i));
    printf("\n");
    printf("%d %d %d %d\n", RED, GREEN, BLUE, LAST);
    printf("%d %d\n", collatz(27), collatz(97));
    counter();
    counter();
    printf("%d\n", counter());
    for (i = 0; i < 20; i++) {
        if (i % 3 == 0)
            continue;
        if (i > 15)
            break;
        total += i;
    }
    printf("%d\n", total);
    i = 0;
    do {
        i += 7;
    } while (i < 50);
    printf("%d\n", i);
    printf("%d\n", ack(2, 3));
    for (i = 0, total = 1; i < 10; i++, total *= 2)
        ;
    printf("%d %d\n", i, total);
    {
        int i = 42;
        printf("%d\n", i);
    }
    printf("%d\n", i);
    return 0;
}
