package org.poolkit.queuepool.internal;

/**
 * The two ends of an {@link IdleQueue}: its head (next take) and its tail (next put), as fields of the queue itself.
 * A take or a put reaches its end in one load from the queue; an array of ends would cost a second, dependent load on
 * a hot path that is a chain of dependent loads (measured: a quarter of a QueuePool cycle's throughput on one thread).
 *
 * <p>Each end sits 128 bytes from the other and from whatever precedes or follows the queue in the heap: a take and a
 * put on different threads then never invalidate each other's cache line, nor their neighbour (CPUs prefetch lines in
 * adjacent pairs). Java lays out a superclass's fields before its subclass's, so the padding is this chain of classes,
 * never read.
 */
abstract class IdleQueueEnds extends IdleQueueTail {
    long pad20, pad21, pad22, pad23, pad24, pad25, pad26, pad27, pad28, pad29, pad2a, pad2b, pad2c, pad2d, pad2e, pad2f;
}

abstract class IdleQueueTail extends IdleQueueGap {
    volatile long tail;
}

abstract class IdleQueueGap extends IdleQueueHead {
    long pad10, pad11, pad12, pad13, pad14, pad15, pad16, pad17, pad18, pad19, pad1a, pad1b, pad1c, pad1d, pad1e, pad1f;
}

abstract class IdleQueueHead extends IdleQueueLead {
    volatile long head;
}

abstract class IdleQueueLead {
    long pad00, pad01, pad02, pad03, pad04, pad05, pad06, pad07, pad08, pad09, pad0a, pad0b, pad0c, pad0d, pad0e, pad0f;
}
