#include <stdio.h>

int a[10];
long la[4] = { 10, 20, 30, 40 };
char text[] = "hello, world";
char *words[] = { "alpha", "beta", "gamma" };
int grid[3][5];

void fill(int *p, int n, int v)
{
    int i;
    for (i = 0; i < n; i++)
        *p++ = v + i;
}

int sum(const int *p, int n)
{
    int s = 0;
    while (n-- > 0)
        s += *p++;
    return s;
}

int main(void)
{
    int *p = a;
    int *q = &a[7];
    char *cp = text;
    long *lp = la + 3;
    int i, j;

    fill(a, 10, 100);
    printf("%d %d %d\n", a[0], a[9], sum(a, 10));
    printf("%ld %ld\n", q - p, p - q);
    printf("%d %d\n", *(q - 2), q[-7]);
    printf("%ld %ld\n", *lp, lp[-2]);
    printf("%ld\n", (char *)lp - (char *)la);
    printf("%s %s %c %c\n", text, cp + 7, *cp, cp[4]);
    printf("%s %s %c\n", words[1], *(words + 2), words[0][3]);
    printf("%lu %lu %lu\n", sizeof text, sizeof words, sizeof words[0]);
    for (i = 0; i < 3; i++)
        for (j = 0; j < 5; j++)
            grid[i][j] = i * j;
    printf("%d %d %lu %lu\n", grid[2][4], *(*(grid + 1) + 3), sizeof grid, sizeof grid[1]);
    p = &grid[1][0];
    printf("%d %d\n", p[5 + 4], (int)(&grid[2][0] - &grid[0][0]));
    cp = text;
    while (*cp)
        cp++;
    printf("%ld\n", cp - text);
    printf("%d %d\n", p == &grid[1][0], p != 0);
    printf("%d\n", (int)(sizeof(int *) + sizeof(char) + sizeof(short)));
    return 0;
}
