/* Statements: if/else chains, switch with fall-through, default in the
   middle, nested switch; while, do/while (runs at least once), for with
   empty parts; break and continue in nested loops; a loop-exit flag instead
   of goto. */
#include <stdio.h>
#include <stdbool.h>

const char *classify(int n)
{
    if (n < 0)
        return "negative";
    else if (n == 0)
        return "zero";
    else if (n < 10)
        return "small";
    else
        return "large";
}

int days_left_after(int month)
{
    int days = 0;
    /* cases 1 and 2 fall through on purpose; so does default into 6 */
    switch (month) {
    case 1:
        days += 31;
    case 2:
        days += 28;
    case 3:
        days += 31;
        break;
    case 4:
    case 5:
        days = -1;
        break;
    default:
        days = -2;
    case 6:
        days *= 10;
    }
    return days;
}

int main(void)
{
    int i, j, n;
    bool found;

    for (i = -1; i <= 12; i += 4)
        printf("%d is %s\n", i, classify(i));
    for (i = 0; i <= 7; i++)
        printf("switch(%d) -> %d\n", i, days_left_after(i));

    n = 0;
    do {
        n++;
    } while (n < 0);
    printf("do/while ran %d time(s)\n", n);
    n = 100;
    while (n > 1)
        n = n % 2 ? 3 * n + 1 : n / 2, printf("%d ", n);
    printf("\n");

    for (i = 0; i < 10; i++) {
        if (i % 3 == 0)
            continue;
        if (i > 7)
            break;
        printf("i=%d ", i);
    }
    printf("\n");

    found = false;
    for (i = 1; i < 10 && !found; i++)
        for (j = 1; j < 10; j++)
            if (i * j == 42) {
                found = true;
                break;
            }
    printf("first i*j == 42: i=%d j=%d\n", i - 1, j);

    i = 0;
    for (;;) {
        if (++i >= 5)
            break;
    }
    printf("for(;;) stopped at %d\n", i);

    for (i = 0; i < 3; i++) {
        switch (i) {
        case 0:
            printf("zero ");
            continue;
        case 1:
            printf("one ");
            break;
        default:
            printf("other ");
        }
        printf("(after switch %d) ", i);
    }
    printf("\n");

    n = 0;
    i = 0;
    while (1) {
        i++;
        if (i & 1)
            continue;
        n += i;
        if (n > 20)
            break;
    }
    printf("while(1): i=%d n=%d\n", i, n);
    return 0;
}
