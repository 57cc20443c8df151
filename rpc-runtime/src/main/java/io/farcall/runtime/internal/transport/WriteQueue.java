package io.farcall.runtime.internal.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.internal.PlatformDependent;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.util.Queue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Collects frames written from any thread and writes them on the channel's event loop in one batch
 * with a single flush, so that many concurrent callers cost one event-loop task and one system call
 * per batch rather than per frame.
 *
 * <p>What waits to be written (here and in Netty's outbound buffer) is bounded: past {@link
 * ConnectionLimits#maxQueuedBytes} for this connection, or past {@link
 * ConnectionLimits#maxQueuedBytesTotal} across the transport while this connection is backlogged
 * beyond its high-water mark, the connection is closed with a log line. A peer that does not read
 * cannot make this side keep what it sends it.
 */
final class WriteQueue {
  private static final Logger log = LogManager.getLogger(WriteQueue.class);

  /** Flush at least this often within one long batch, so the socket buffer fills steadily. */
  private static final int MAX_WRITES_PER_FLUSH = 128;

  private final Channel channel;
  private final ConnectionLimits limits;
  private final MemoryBudget total;
  private final Queue<Pending> queue = PlatformDependent.newMpscQueue();

  /** Bytes of the frames in {@link #queue}. */
  private final AtomicLong queued = new AtomicLong();

  /** What this connection counts for in {@link #total}; event loop only. */
  private long reported;

  /** Set once the connection is being closed for holding too much. */
  private final AtomicBoolean cutOff = new AtomicBoolean();

  /**
   * Whether a connection over its limits is closed (a provider's, whose replies a consumer does not
   * read), or only the frame that would take it over is refused (a consumer's, whose requests are
   * its own callers' and come back to them as a retryable failure).
   */
  private final boolean closesWhenFull;

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

  WriteQueue(Channel channel, ConnectionLimits limits, MemoryBudget total, boolean closesWhenFull) {
    this.channel = channel;
    this.closesWhenFull = closesWhenFull;
    this.limits = limits;
    this.total = total;
    channel.closeFuture().addListener(f -> account());
  }

  /** A budget for what waits to be written across a transport's connections. */
  static MemoryBudget queuedBudget(ConnectionLimits limits) {
    return new MemoryBudget(limits.maxQueuedBytesTotal(), "setting maxqueuedbytestotal");
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
    int size = p.frame.readableBytes();
    long mine = queued.addAndGet(size) + outboundBytes();
    if (mine > limits.maxQueuedBytes()) {
      queued.addAndGet(-size);
      refuse(p, mine);
      return;
    }
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
        queued.addAndGet(-p.frame.readableBytes());
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
    account();
  }

  /** Bytes in Netty's outbound buffer, waiting for the socket; readable from any thread. */
  private long outboundBytes() {
    ChannelOutboundBuffer outbound = channel.unsafe().outboundBuffer();
    return outbound == null ? 0 : outbound.totalPendingWriteBytes();
  }

  /**
   * Brings this connection's share of the transport's total up to date, and closes the connection
   * if the total is over its limit while this one is backlogged. Event loop only: after each batch,
   * when the channel's writability changes, and when it closes.
   */
  void account() {
    long pending = channel.isActive() ? queued.get() + outboundBytes() : 0;
    long delta = pending - reported;
    if (delta == 0) {
      return;
    }
    reported = pending;
    long now = total.add(delta);
    if (closesWhenFull && delta > 0 && total.over(now) && pending > limits.highWaterMark()) {
      cutOff(
          pending
              + " bytes wait to be written to it, past its high-water mark, and "
              + total.describe(now));
    }
  }

  /**
   * A frame that would take the connection past its limit: not queued; its writer is told, and on a
   * provider the connection ends.
   */
  private void refuse(Pending p, long pending) {
    ReferenceCountUtil.release(p.frame);
    String why =
        pending
            + " bytes would wait to be written to it, over the limit of "
            + limits.maxQueuedBytes()
            + " (setting maxqueuedbytes)";
    ChannelFutureListener onFailure = p.onFailure();
    if (onFailure != null) {
      try {
        onFailure.operationComplete(channel.newFailedFuture(new QueueFullException(why)));
      } catch (Exception e) {
        log.debug("a write listener failed", e);
      }
    }
    if (closesWhenFull) {
      cutOff(why);
    }
  }

  /** A frame was not written, and certainly not sent: its connection had too much waiting. */
  static final class QueueFullException extends IOException {
    private static final long serialVersionUID = 1L;

    QueueFullException(String why) {
      super("not sent: " + why);
    }
  }

  private void cutOff(String why) {
    if (cutOff.compareAndSet(false, true)) {
      log.warn("closing connection {}: {}", channel.remoteAddress(), why);
      channel.close();
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
