package io.farcall.bench;

import io.farcall.bench.codec.CodecBenchmark;
import java.io.File;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/** Runs {@link CodecBenchmark} under JMH with the GC profiler and keeps time and bytes per call. */
final class CodecFigures {
  /** One JMH figure: a codec on a workload. */
  record Row(String workload, String codec, double nanos, double error, double bytes) {}

  private CodecFigures() {}

  static List<Row> run(Map<String, String> times, List<String> jvmArgs) throws RunnerException {
    TimeValue time = TimeValue.milliseconds((long) (Double.parseDouble(times.get("time")) * 1000));
    File log = new File(System.getProperty("java.io.tmpdir"), "farcall-bench-jmh.log");
    Options options =
        new OptionsBuilder()
            .include(CodecBenchmark.class.getName() + "\\.")
            .addProfiler(GCProfiler.class)
            .forks(1)
            .warmupIterations(Integer.parseInt(times.get("warmup")))
            .warmupTime(time)
            .measurementIterations(Integer.parseInt(times.get("iterations")))
            .measurementTime(time)
            .jvmArgs(jvmArgs.toArray(String[]::new))
            .output(log.getPath())
            .build();
    Bench.log("    JMH's own output: " + log);
    Collection<RunResult> results = new Runner(options).run();
    List<Row> rows = new ArrayList<>();
    for (RunResult r : results) {
      String label = r.getPrimaryResult().getLabel();
      org.openjdk.jmh.results.Result<?> alloc = r.getSecondaryResults().get("gc.alloc.rate.norm");
      rows.add(
          new Row(
              r.getParams().getParam("workload"),
              label,
              r.getPrimaryResult().getScore(),
              r.getPrimaryResult().getScoreError(),
              alloc == null ? Double.NaN : alloc.getScore()));
    }
    return rows;
  }
}
