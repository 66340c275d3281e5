/* Arrays: one- and two-dimensional, initializers with missing elements
   (zero filled), sizes, passing arrays to functions (decay to a pointer),
   a 2-D array passed with its row length, matrix product, a 3-D array and
   an array of strings. */
#include <stdio.h>

#define N 3

int sum(int *a, int n)
{
    int s = 0;
    int i;
    for (i = 0; i < n; i++)
        s += a[i];
    return s;
}

void mat_mul(int a[N][N], int b[N][N], int c[N][N])
{
    int i, j, k;
    for (i = 0; i < N; i++)
        for (j = 0; j < N; j++) {
            c[i][j] = 0;
            for (k = 0; k < N; k++)
                c[i][j] += a[i][k] * b[k][j];
        }
}

int row_sum(int m[][4], int row)
{
    return sum(m[row], 4);
}

int main(void)
{
    int a[8] = {1, 2, 3};
    int sq[10];
    int m[3][4] = {{1, 2, 3, 4}, {5, 6, 7, 8}, {9, 10, 11, 12}};
    int id[N][N] = {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}};
    int b[N][N] = {{2, 1, 0}, {1, 3, 1}, {0, 1, 4}};
    int c[N][N];
    int cube[2][3][4];
    const char *days[] = {"mon", "tue", "wed", "thu", "fri"};
    char grid[3][5] = {"abcd", "efgh", "ijkl"};
    int i, j, k, n;

    for (i = 0; i < 8; i++)
        printf("%d%c", a[i], i == 7 ? '\n' : ' ');
    for (i = 0; i < 10; i++)
        sq[i] = i * i;
    printf("sum of squares 0..9 = %d, of the last 5 = %d\n", sum(sq, 10), sum(sq + 5, 5));
    printf("sizeof m = %zu, sizeof m[0] = %zu, rows = %zu\n", sizeof m, sizeof m[0], sizeof m / sizeof m[0]);
    printf("m[1][2] = %d, *(*(m + 2) + 3) = %d, row sums %d %d %d\n", m[1][2], *(*(m + 2) + 3),
           row_sum(m, 0), row_sum(m, 1), row_sum(m, 2));
    printf("&m[1][0] - &m[0][0] = %td\n", &m[1][0] - &m[0][0]);
    mat_mul(b, b, c);
    for (i = 0; i < N; i++)
        printf("b*b row %d: %d %d %d\n", i, c[i][0], c[i][1], c[i][2]);
    mat_mul(id, b, c);
    printf("id*b == b: %d\n", c[0][0] == 2 && c[1][1] == 3 && c[2][2] == 4 && c[2][1] == 1);
    n = 0;
    for (i = 0; i < 2; i++)
        for (j = 0; j < 3; j++)
            for (k = 0; k < 4; k++)
                cube[i][j][k] = n++;
    printf("cube[1][2][3] = %d, sizeof cube = %zu, sizeof cube[1] = %zu\n", cube[1][2][3], sizeof cube, sizeof cube[1]);
    printf("%zu days:", sizeof days / sizeof days[0]);
    for (i = 0; i < 5; i++)
        printf(" %s", days[i]);
    printf("\n");
    printf("grid: %s %s %s, grid[2][1] = %c\n", grid[0], grid[1], grid[2], grid[2][1]);
    return 0;
}
