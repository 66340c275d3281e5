/* Global and local initialisation: globals without an initializer are
   zero (bss), initialised globals (data), const tables, arrays of structs
   with designated initializers, global pointers to other globals, locals
   with partial initializers (the rest zero) and state kept in globals
   across calls. */
#include <stdio.h>
#include <string.h>

int zero_int;
long zero_array[100];
char zero_buf[64];
int counter = 100;
int primes[] = {2, 3, 5, 7, 11, 13};
const char *const names[] = {"alpha", "beta", "gamma"};
char greeting[] = "hello";
int *counter_ptr = &counter;
int *third_prime = &primes[2];

struct setting {
    const char *key;
    int value;
};

struct setting settings[] = {
    {"pages", 4},
    [2] = {.key = "order", .value = 3},
    {.value = 9},
};

int next_id(void)
{
    return ++counter;
}

int main(void)
{
    int local[10] = {1, 2};
    int all_zero[5] = {0};
    char text[8] = "ab";
    struct setting one = {"x"};
    int i, nonzero = 0;

    for (i = 0; i < 100; i++)
        nonzero += zero_array[i] != 0;
    printf("zero_int %d, nonzero entries in zero_array %d, strlen(zero_buf) %zu\n", zero_int, nonzero, strlen(zero_buf));
    printf("counter %d, *counter_ptr %d\n", counter, *counter_ptr);
    i = next_id();
    printf("ids: %d", i);
    i = next_id();
    printf(" %d", i);
    i = next_id();
    printf(" %d, counter now %d\n", i, counter);
    *counter_ptr = 7;
    printf("after *counter_ptr = 7: counter %d\n", counter);
    printf("%zu primes, *third_prime %d, third_prime - primes %td\n", sizeof primes / sizeof primes[0], *third_prime,
           third_prime - primes);
    for (i = 0; i < 3; i++)
        printf("names[%d] = %s\n", i, names[i]);
    greeting[0] = 'j';
    printf("greeting %s, sizeof %zu\n", greeting, sizeof greeting);
    printf("%zu settings:", sizeof settings / sizeof settings[0]);
    for (i = 0; i < (int)(sizeof settings / sizeof settings[0]); i++)
        printf(" {%s, %d}", settings[i].key ? settings[i].key : "(null key)", settings[i].value);
    printf("\n");
    printf("local: %d %d %d %d, all_zero[4] %d, text[7] %d, one {%s, %d}\n", local[0], local[1], local[2], local[9],
           all_zero[4], text[7], one.key, one.value);
    return 0;
}
