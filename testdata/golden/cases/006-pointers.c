/* Pointers: address-of and dereference, pointer arithmetic scaled by the
   element size, pointer differences, pointers to pointers, *p++, swapping
   through pointers, void * and casts, and NULL.  Only differences between
   addresses are printed, never an address. */
#include <stdio.h>
#include <stddef.h>

void swap(int *a, int *b)
{
    int t = *a;
    *a = *b;
    *b = t;
}

void set_to_next(int **pp)
{
    (*pp)++;
}

int main(void)
{
    int arr[6] = {10, 20, 30, 40, 50, 60};
    int *p = arr;
    int *q = &arr[4];
    int **pp = &p;
    long longs[3];
    char *cp;
    void *vp;
    int x = 1, y = 2;
    int sum = 0;
    int *null = NULL;

    printf("*p = %d, *(p + 2) = %d, p[3] = %d, 3[p] = %d\n", *p, *(p + 2), p[3], 3[p]);
    printf("q - p = %td, (char *)q - (char *)p = %td\n", q - p, (char *)q - (char *)p);
    printf("&longs[2] - &longs[0] = %td elements, %td bytes\n", &longs[2] - &longs[0],
           (char *)&longs[2] - (char *)&longs[0]);
    printf("p < q %d, p == arr %d, p + 4 == q %d\n", p < q, p == arr, p + 4 == q);
    printf("*p++ = %d, ", *p++);
    printf("now *p = %d, ", *p);
    printf("(*p)++ = %d, ", (*p)++);
    printf("arr[1] = %d, *++p = %d\n", arr[1], *++p);
    **pp = 33;
    set_to_next(pp);
    printf("after **pp = 33 and set_to_next: arr[2] = %d, *p = %d, p - arr = %td\n", arr[2], *p, p - arr);
    for (p = arr; p < arr + 6; p++)
        sum += *p;
    printf("sum by pointer walk = %d\n", sum);
    for (p = arr + 5; p >= arr + 3; p--)
        printf("%d ", *p);
    printf("\n");
    swap(&x, &y);
    printf("after swap: x = %d, y = %d\n", x, y);
    vp = arr;
    cp = (char *)vp;
    printf("bytes of arr[0] = 10: %d %d %d %d\n", cp[0], cp[1], cp[2], cp[3]);
    printf("((int *)vp)[5] = %d\n", ((int *)vp)[5]);
    printf("null == NULL %d, !null %d, p != NULL %d\n", null == NULL, !null, p != NULL);
    return 0;
}
