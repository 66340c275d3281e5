// mmplay: ram=32M
// A driver that allocates without limit drains free memory: first GFP_KERNEL requests fail, then the emergency reserve that only GFP_ATOMIC may use.
// Here a failed atomic allocation prints the kernel's "page allocation failure" report; the OOM killer is not modelled for kernel allocations.
//
// Simplified: mmplay has no reclaim, swap or page cache to fall back on,
// so a GFP_KERNEL request fails as soon as the free lists are empty
// below the min watermark, where a real kernel would first reclaim and
// then call the OOM killer — which would kill a user process (the one
// with the largest RSS), not the module, and free nothing the driver
// holds. Run on a small machine (ram=32M) so it ends quickly.
#include <linux/module.h>
#include <linux/gfp.h>
#include <linux/mm.h>

#define MAX_BLOCKS 1024
static unsigned long blocks[MAX_BLOCKS];
static int nblocks;

static int __init hog_init(void)
{
    unsigned long p;

    while (nblocks < MAX_BLOCKS && (p = __get_free_pages(GFP_KERNEL | __GFP_NOWARN, 4)))
        blocks[nblocks++] = p;
    pr_info("hog: GFP_KERNEL gave %d blocks of 64 KiB (%d MiB) before failing\n", nblocks, nblocks / 16);

    while (nblocks < MAX_BLOCKS && (p = __get_free_pages(GFP_ATOMIC, 4)))
        blocks[nblocks++] = p;
    pr_info("hog: GFP_ATOMIC dipped into the reserve up to %d blocks\n", nblocks);
    return 0;
}

static void __exit hog_exit(void)
{
    while (nblocks > 0)
        free_pages(blocks[--nblocks], 4);
    pr_info("hog: all freed\n");
}

module_init(hog_init);
module_exit(hog_exit);
MODULE_LICENSE("GPL");
