package io.farcall.demo.consumer;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Talks with the launcher: requests go out as standard output lines starting with {@code #}, the
 * launcher's answers come in as lines on standard input. Input is read on a daemon thread so that
 * every wait is bounded; the end of input means the launcher is gone or wants us to finish.
 */
final class LauncherLink {
  private static final String END = "\0end";

  private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

  LauncherLink(InputStream in) {
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                  lines.add(line);
                }
              } catch (IOException e) {
                // the same as the end of input
              } finally {
                lines.add(END);
              }
            },
            "launcher-input");
    reader.setDaemon(true);
    reader.start();
  }

  /** Sends a request to the launcher. */
  void send(String request) {
    System.out.println("#" + request);
  }

  /** The next line from the launcher, or empty when input ended or nothing came in time. */
  Optional<String> next(Duration timeout) throws InterruptedException {
    String line = lines.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    if (line == null || line.equals(END)) {
      if (END.equals(line)) {
        lines.add(END);
      }
      return Optional.empty();
    }
    return Optional.of(line);
  }

  /** Waits for the end of input (the launcher's signal to exit), at most {@code timeout}. */
  void awaitEnd(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      long left = deadline - System.nanoTime();
      String line = lines.poll(Math.max(0, left), TimeUnit.NANOSECONDS);
      if (line == null || line.equals(END)) {
        return;
      }
    }
  }
}
