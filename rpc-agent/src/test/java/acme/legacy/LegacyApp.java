package acme.legacy;

import io.farcall.Export;
import io.farcall.RemoteRef;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;

/**
 * A host application that brings its own, older Netty and Guava: it uses them, and Farcall (in the
 * agent, relocated) works beside them in the same JVM.
 */
public final class LegacyApp {
  private LegacyApp() {}

  /** Serves quotes; exported when constructed. */
  @Export
  public static class QuotesImpl implements Quotes {
    @Override
    public String quote(String symbol) {
      return symbol + "=42";
    }
  }

  /** Calls the quotes service through a stub. */
  public static class Ticker {
    @RemoteRef Quotes quotes;
  }

  public static void main(String[] args) throws Exception {
    // The application's own libraries, as it loaded them.
    System.out.println(
        "netty=" + io.netty.util.Version.identify().get("netty-common").artifactVersion());
    ByteBuf buf = Unpooled.copiedBuffer("legacy", StandardCharsets.UTF_8);
    System.out.println("netty-buffer=" + buf.toString(StandardCharsets.UTF_8));
    buf.release();
    // Objects.toStringHelper was removed in Guava 21: present only with the application's Guava 16.
    Object helper =
        Class.forName("com.google.common.base.Objects")
            .getMethod("toStringHelper", Object.class)
            .invoke(null, "x");
    System.out.println("guava-toStringHelper=" + (helper != null));

    new QuotesImpl();
    Ticker ticker = new Ticker();
    System.out.println("quote=" + ticker.quotes.quote("ACME"));
  }
}
