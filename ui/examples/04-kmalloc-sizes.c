// kmalloc rounds every request up to a size class; ksize() tells how much you really got. kzalloc also zeroes it.
// Run with kernel=2.0 to see why LDD's scull quantum is 4000 bytes: 4000 plus the 2.0 block header fits a page, 4096 does not.
//
// 6.1 (SLUB): classes 8, 16, 32, 64, 96, 128, 192, 256, 512, 1k, 2k, 4k,
// 8k; above 8 KiB kmalloc takes whole pages from the buddy allocator.
// 2.0: buckets of 32, 64, 128, 252, 508, 1020, 2040, 4080, 8176 ... bytes,
// each block starting with an 8-byte header, so kmalloc(4096) needs an
// 8 KiB area and wastes half of it. With debug=on (init_on_alloc=0) a
// reused kmalloc object still holds its old bytes; kzalloc's never does.
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>

static const size_t sizes[] = { 1, 24, 100, 200, 1000, 4000, 4096, 5000, 10000 };

static int __init sizes_init(void)
{
    int i;
    char *p, *q;

    for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        p = kmalloc(sizes[i], GFP_KERNEL);
        pr_info("kmalloc(%5zu): ksize %5zu, wasted %4zu\n", sizes[i], ksize(p), ksize(p) - sizes[i]);
        kfree(p);
    }

    p = kmalloc(64, GFP_KERNEL);
    memset(p, 'x', 64);
    kfree(p);
    q = kmalloc(64, GFP_KERNEL);
    pr_info("kmalloc(64) again: %s, q[0] = %#x\n", q == p ? "same object" : "another object", q[0]);
    kfree(q);
    q = kzalloc(64, GFP_KERNEL);
    pr_info("kzalloc(64): %s, q[0] = %#x\n", q == p ? "same object" : "another object", q[0]);
    kfree(q);
    return 0;
}

static void __exit sizes_exit(void)
{
}

module_init(sizes_init);
module_exit(sizes_exit);
MODULE_LICENSE("GPL");
