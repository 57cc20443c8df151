package io.farcall.runtime.internal.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.internal.PlatformDependent;
import java.nio.channels.ClosedChannelException;
import java.util.Queue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Collects frames written from any thread and writes them on the channel's event loop in one batch
 * with a single flush, so that many concurrent callers cost one event-loop task and one system call
 * per batch rather than per frame.
 */
final class WriteQueue {
  /** Flush at least this often within one long batch, so the socket buffer fills steadily. */
  private static final int MAX_WRITES_PER_FLUSH = 128;

  private final Channel channel;
  private final Queue<Pending> queue = PlatformDependent.newMpscQueue();
  private final AtomicBoolean scheduled = new AtomicBoolean();
  private final Runnable drainTask = this::drain;

  /** When the last batch was written; event loop only. */
  private long lastWriteNanos = System.nanoTime();

  /**
   * A frame waiting to be written, and who to tell if it could not be. A request's own subclass is
   * its listener too, so a request costs one object here.
   */
  static class Pending {
    final ByteBuf frame;
    private final ChannelFutureListener onFailure;

    Pending(ByteBuf frame, ChannelFutureListener onFailure) {
      this.frame = frame;
      this.onFailure = onFailure;
    }

    /** Told if the frame could not be written; null for nobody. */
    ChannelFutureListener onFailure() {
      return onFailure;
    }
  }

  WriteQueue(Channel channel) {
    this.channel = channel;
  }

  /**
   * Where a frame encoded on the calling thread should live: on the channel's event loop, in its
   * own pooled buffers; on any other thread, {@link Frame#HEAP}, which the encoder takes to mean a
   * small frame on the heap (the event loop frees the frame after writing it, and copies a heap
   * frame into a pooled buffer of its own as it writes it) and a large one in a pooled buffer.
   */
  ByteBufAllocator allocator() {
    return channel.eventLoop().inEventLoop() ? channel.alloc() : Frame.HEAP;
  }

  /**
   * Queues a frame; takes ownership of the buffer. {@code onFailure}, when not null, is told if the
   * frame could not be written (its future failed).
   */
  void enqueue(ByteBuf frame, ChannelFutureListener onFailure) {
    enqueue(new Pending(frame, onFailure));
  }

  /** Queues a frame as {@link #enqueue(ByteBuf, ChannelFutureListener)} does. */
  void enqueue(Pending p) {
    queue.add(p);
    if (scheduled.compareAndSet(false, true)) {
      try {
        channel.eventLoop().execute(drainTask);
      } catch (RejectedExecutionException e) {
        failAll(new ClosedChannelException());
      }
    }
  }

  /** When frames were last written (queued for the socket); call on the event loop only. */
  long lastWriteNanos() {
    return lastWriteNanos;
  }

  private void drain() {
    boolean wrote = false;
    int sinceFlush = 0;
    while (true) {
      Pending p;
      while ((p = queue.poll()) != null) {
        ChannelFutureListener onFailure = p.onFailure();
        if (onFailure == null) {
          channel.write(p.frame, channel.voidPromise());
        } else {
          channel.write(p.frame).addListener(onFailure);
        }
        wrote = true;
        if (++sinceFlush == MAX_WRITES_PER_FLUSH) {
          channel.flush();
          sinceFlush = 0;
        }
      }
      scheduled.set(false);
      // A producer may have added after our last poll but before the flag was cleared.
      if (queue.isEmpty() || !scheduled.compareAndSet(false, true)) {
        break;
      }
    }
    if (wrote) {
      channel.flush();
      lastWriteNanos = System.nanoTime();
    }
  }

  private void failAll(Throwable cause) {
    Pending p;
    while ((p = queue.poll()) != null) {
      ReferenceCountUtil.release(p.frame);
      ChannelFutureListener onFailure = p.onFailure();
      if (onFailure != null) {
        try {
          onFailure.operationComplete(channel.newFailedFuture(cause));
        } catch (Exception e) {
          // a listener's own failure must not stop the others from hearing theirs
        }
      }
    }
    scheduled.set(false);
  }
}
