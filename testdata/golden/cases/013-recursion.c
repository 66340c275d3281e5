/* Recursion: factorial (64-bit), naive fibonacci and a call counter, gcd,
   power by squaring, the towers of Hanoi move count, a recursive walk over
   a linked list built from local structs, and mutual recursion. */
#include <stdio.h>
#include <stddef.h>

struct node {
    int value;
    struct node *next;
};

unsigned long fact(unsigned int n)
{
    return n <= 1 ? 1 : n * fact(n - 1);
}

long fib_calls = 0;

long fib(int n)
{
    fib_calls++;
    if (n < 2)
        return n;
    return fib(n - 1) + fib(n - 2);
}

int gcd(int a, int b)
{
    if (b == 0)
        return a;
    return gcd(b, a % b);
}

unsigned long power(unsigned long b, unsigned int e)
{
    unsigned long h;
    if (e == 0)
        return 1;
    h = power(b, e / 2);
    return e % 2 ? h * h * b : h * h;
}

long hanoi(int n, char from, char to, char via, int show)
{
    long moves;
    if (n == 0)
        return 0;
    moves = hanoi(n - 1, from, via, to, show);
    if (show)
        printf("  disk %d %c->%c\n", n, from, to);
    return moves + 1 + hanoi(n - 1, via, to, from, show);
}

int list_sum(struct node *n)
{
    return n == NULL ? 0 : n->value + list_sum(n->next);
}

int list_len(struct node *n)
{
    if (!n)
        return 0;
    return 1 + list_len(n->next);
}

void print_reverse(struct node *n)
{
    if (n == NULL)
        return;
    print_reverse(n->next);
    printf(" %d", n->value);
}

int is_odd(int n);

int is_even(int n)
{
    return n == 0 ? 1 : is_odd(n - 1);
}

int is_odd(int n)
{
    return n == 0 ? 0 : is_even(n - 1);
}

int main(void)
{
    struct node nodes[5];
    long f;
    int i;

    for (i = 0; i <= 20; i += 5)
        printf("%d! = %lu\n", i, fact(i));
    for (i = 0; i <= 20; i += 4) {
        fib_calls = 0;
        f = fib(i);
        printf("fib(%d) = %ld in %ld calls\n", i, f, fib_calls);
    }
    printf("gcd(1071, 462) = %d, gcd(17, 5) = %d\n", gcd(1071, 462), gcd(17, 5));
    printf("3^40 = %lu, 2^63 = %lu\n", power(3, 40), power(2, 63));
    printf("hanoi(3):\n");
    printf("%ld moves; hanoi(16) needs %ld\n", hanoi(3, 'A', 'C', 'B', 1), hanoi(16, 'A', 'C', 'B', 0));
    for (i = 0; i < 5; i++) {
        nodes[i].value = (i + 1) * 11;
        nodes[i].next = i < 4 ? &nodes[i + 1] : NULL;
    }
    printf("list: len %d sum %d, reversed:", list_len(&nodes[0]), list_sum(&nodes[0]));
    print_reverse(&nodes[0]);
    printf("\n");
    printf("is_even(10) %d, is_odd(7) %d, is_even(7) %d\n", is_even(10), is_odd(7), is_even(7));
    return 0;
}
