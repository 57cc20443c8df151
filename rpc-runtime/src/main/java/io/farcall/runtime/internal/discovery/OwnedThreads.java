package io.farcall.runtime.internal.discovery;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Every thread a {@link Registry} starts, directly or through Curator and ZooKeeper, so that
 * closing the registry can wait until they are all gone.
 *
 * <p>Curator and ZooKeeper create their threads with factories that capture the creating thread's
 * {@link ThreadGroup} (and a thread's group defaults to its creator's). Building the Curator client
 * and the embedded server on a thread of this group therefore puts their executors, the ZooKeeper
 * client's send and event threads and the server's threads in the group too, which no Curator or
 * ZooKeeper API would hand us otherwise. See {@code RegistryThreadsTest}.
 */
final class OwnedThreads implements ThreadFactory {
  private final ThreadGroup group;
  private final AtomicInteger counter = new AtomicInteger();

  OwnedThreads(String name) {
    // Under the root group rather than the creator's: a registry started from another registry's
    // thread must not count as part of that registry.
    ThreadGroup root = Thread.currentThread().getThreadGroup();
    while (root.getParent() != null) {
      root = root.getParent();
    }
    this.group = new ThreadGroup(root, name);
  }

  /** A daemon thread in the group, named after the group. */
  @Override
  public Thread newThread(Runnable task) {
    Thread thread = new Thread(group, task, group.getName() + "-" + counter.incrementAndGet());
    thread.setDaemon(true);
    return thread;
  }

  /** A thread factory for one role: daemon threads in the group named {@code group-role-n}. */
  ThreadFactory named(String role) {
    AtomicInteger roleCounter = new AtomicInteger();
    return task -> {
      Thread thread =
          new Thread(
              group, task, group.getName() + "-" + role + "-" + roleCounter.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }

  /**
   * Runs {@code task} on a new thread of the group, so that whatever it starts belongs to the
   * group, and returns its result. The task must bound its own running time.
   */
  <T> T callInside(String role, Callable<T> task) throws Exception {
    FutureTask<T> future = new FutureTask<>(task);
    Thread thread = named(role).newThread(future);
    thread.start();
    try {
      T result = future.get();
      thread.join();
      return result;
    } catch (ExecutionException e) {
      thread.join();
      Throwable cause = e.getCause();
      if (cause instanceof Exception exception) {
        throw exception;
      }
      if (cause instanceof Error error) {
        throw error;
      }
      throw e;
    }
  }

  /**
   * Waits up to {@code timeout} for every thread of the group other than the caller to end.
   *
   * @return the names of the threads still alive when the time ran out; empty when all ended
   */
  List<String> awaitTermination(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      List<Thread> alive = alive();
      if (alive.isEmpty()) {
        return List.of();
      }
      long remainingMillis = (deadline - System.nanoTime()) / 1_000_000;
      if (remainingMillis <= 0) {
        return alive.stream().map(Thread::getName).toList();
      }
      alive.get(0).join(Math.min(remainingMillis, 100));
    }
  }

  private List<Thread> alive() {
    Thread[] threads = new Thread[group.activeCount() + 16];
    int count = group.enumerate(threads, true);
    List<Thread> alive = new ArrayList<>(count);
    Arrays.stream(threads, 0, count)
        .filter(Objects::nonNull)
        .filter(Thread::isAlive)
        .filter(thread -> thread != Thread.currentThread())
        .forEach(alive::add);
    return alive;
  }
}
