package io.farcall.runtime.internal.transport;

import io.netty.buffer.ByteBuf;
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

  private record Pending(ByteBuf frame, ChannelFutureListener onFailure) {}

  WriteQueue(Channel channel) {
    this.channel = channel;
  }

  /**
   * Queues a frame; takes ownership of the buffer. {@code onFailure}, when not null, is told if the
   * frame could not be written (its future failed).
   */
  void enqueue(ByteBuf frame, ChannelFutureListener onFailure) {
    queue.add(new Pending(frame, onFailure));
    if (scheduled.compareAndSet(false, true)) {
      try {
        channel.eventLoop().execute(drainTask);
      } catch (RejectedExecutionException e) {
        failAll(new ClosedChannelException());
      }
    }
  }

  private void drain() {
    boolean wrote = false;
    int sinceFlush = 0;
    while (true) {
      Pending p;
      while ((p = queue.poll()) != null) {
        if (p.onFailure == null) {
          channel.write(p.frame, channel.voidPromise());
        } else {
          channel.write(p.frame).addListener(p.onFailure);
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
    }
  }

  private void failAll(Throwable cause) {
    Pending p;
    while ((p = queue.poll()) != null) {
      ReferenceCountUtil.release(p.frame);
      if (p.onFailure != null) {
        try {
          p.onFailure.operationComplete(channel.newFailedFuture(cause));
        } catch (Exception e) {
          // a listener's own failure must not stop the others from hearing theirs
        }
      }
    }
    scheduled.set(false);
  }
}
