// mmplay: ram=32M
// A driver that allocates without limit drains free memory: costly requests fail first, then the OOM killer kills insmod, then GFP_ATOMIC takes the last reserve.
// Killing insmod frees none of the kernel memory the module holds: init goes on, and insmod dies of its SIGKILL only when init returns (exit status 137).
//
// Phase 1 takes 64 KiB blocks (order 4) with GFP_KERNEL until none is
// left: the kernel never calls the OOM killer for orders above 3
// (PAGE_ALLOC_COSTLY_ORDER), it just fails. Phase 2 takes single pages:
// at the min watermark the page allocator finds nothing to reclaim
// (mmplay simulates reclaim: no page cache, no swap) and invokes the OOM
// killer, which kills the process with the highest badness: insmod, the
// only one. The victim may then dig into half of the min reserve. Phase 3
// uses GFP_ATOMIC, which may go lower still, and ends with a "page
// allocation failure" report. __GFP_NOWARN silences only the failure
// reports, never the OOM killer. The module stays loaded: its exit never
// runs. The Mem-Info blocks in the log are mmplay's simplified show_mem.
#include <linux/module.h>
#include <linux/gfp.h>
#include <linux/mm.h>

#define MAX_BLOCKS 1024
#define MAX_PAGES 4096
static unsigned long blocks[MAX_BLOCKS], pages[MAX_PAGES];
static int nblocks, npages;

static int __init hog_init(void)
{
    unsigned long p;
    int before;

    while (nblocks < MAX_BLOCKS && (p = __get_free_pages(GFP_KERNEL | __GFP_NOWARN, 4)))
        blocks[nblocks++] = p;
    pr_info("hog: GFP_KERNEL gave %d blocks of 64 KiB (%d MiB), then order 4 failed\n", nblocks, nblocks / 16);

    while (npages < MAX_PAGES && (p = __get_free_page(GFP_KERNEL | __GFP_NOWARN)))
        pages[npages++] = p;
    pr_info("hog: GFP_KERNEL gave %d more pages, the last ones from the OOM victim's reserve\n", npages);

    before = npages;
    while (npages < MAX_PAGES && (p = __get_free_page(GFP_ATOMIC)))
        pages[npages++] = p;
    pr_info("hog: GFP_ATOMIC took %d pages more before failing\n", npages - before);
    return 0;
}

static void __exit hog_exit(void)
{
    while (npages > 0)
        free_page(pages[--npages]);
    while (nblocks > 0)
        free_pages(blocks[--nblocks], 4);
    pr_info("hog: all freed\n");
}

module_init(hog_init);
module_exit(hog_exit);
MODULE_LICENSE("GPL");
