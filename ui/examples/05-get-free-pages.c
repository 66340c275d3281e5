// __get_free_pages(gfp, order) hands out 2^order physically contiguous pages, from 4 KiB at order 0 up to 4 MiB at order 10.
// Order 11 always fails (with a WARNING once per boot); free_pages must be told the same order, or pages leak or go bad.
//
// Each block is aligned to its own size. free_pages(addr, 0) on an order-2
// block frees one page and silently loses three; free_pages(addr, 1) on an
// order-0 block also "frees" a neighbour page that is not ours, and the
// kernel prints "BUG: Bad page state". get_zeroed_page is zero-filled;
// __get_dma_pages comes from the DMA zone, below 16 MiB.
#include <linux/module.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/io.h>

static int __init pages_init(void)
{
    unsigned long p, z, d, small, big;
    int order;

    for (order = 0; order <= 11; order++) {
        p = __get_free_pages(GFP_KERNEL, order);
        if (!p) {
            pr_info("order %2d: failed (%lu KiB is above the largest block)\n", order, 4UL << order);
            continue;
        }
        pr_info("order %2d: %5lu KiB at pfn %#lx\n", order, 4UL << order, (unsigned long)(virt_to_phys((void *)p) >> PAGE_SHIFT));
        free_pages(p, order);
    }

    z = get_zeroed_page(GFP_KERNEL);
    d = __get_dma_pages(GFP_KERNEL, 1);
    pr_info("get_zeroed_page: first long %lu; __get_dma_pages(1) at phys %#lx\n",
            *(unsigned long *)z, (unsigned long)virt_to_phys((void *)d));
    free_page(z);
    free_pages(d, 1);

    big = __get_free_pages(GFP_KERNEL, 2);
    free_pages(big, 0);            /* wrong: order 2 was allocated */
    small = __get_free_page(GFP_KERNEL);
    free_pages(small, 1);          /* wrong: only one page was allocated */
    return 0;
}

static void __exit pages_exit(void)
{
}

module_init(pages_init);
module_exit(pages_exit);
MODULE_LICENSE("GPL");
