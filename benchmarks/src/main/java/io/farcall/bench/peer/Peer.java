package io.farcall.bench.peer;

import io.farcall.bench.model.UserService;

/** The contenders, each measured with the same load generator through {@link UserService}. */
public enum Peer {
  /** Farcall's generated stubs, with a ZooKeeper registry, as in real use. */
  FARCALL("farcall", true) {
    @Override
    public Session start(int providers) throws Exception {
      return FarcallSession.start(providers, false);
    }
  },
  /**
   * The same with the provider's implementation marked {@code @NonBlocking}, which it is: calls run
   * on the provider's I/O thread, as {@link #GRPC_TUNED}'s do.
   */
  FARCALL_NONBLOCKING("farcall-nonblocking", true) {
    @Override
    public Session start(int providers) throws Exception {
      return FarcallSession.start(providers, true);
    }
  },
  /** gRPC-Java (grpc-netty-shaded), blocking and future stubs, default settings. */
  GRPC("grpc", true) {
    @Override
    public Session start(int providers) throws Exception {
      return GrpcSession.start(providers, false);
    }
  },
  /** gRPC-Java with {@code directExecutor()} on server and channel. */
  GRPC_TUNED("grpc-tuned", true) {
    @Override
    public Session start(int providers) throws Exception {
      return GrpcSession.start(providers, true);
    }
  },
  /** {@link #FARCALL} over TLS 1.3 (OpenSSL through netty-tcnative): {@code tls=on}. */
  FARCALL_TLS("farcall-tls", true) {
    @Override
    public Session start(int providers) throws Exception {
      return FarcallSession.startTls(providers);
    }
  },
  /** {@link #GRPC} over TLS 1.3, with the OpenSSL that grpc-netty-shaded carries. */
  GRPC_TLS("grpc-tls", true) {
    @Override
    public Session start(int providers) throws Exception {
      return GrpcSession.startTls(providers);
    }
  },
  /** The ceiling: raw Netty bouncing Farcall's frame bytes, batched flushes, no codec. */
  CEILING("netty-ceiling", false) {
    @Override
    public Session start(int providers) throws Exception {
      return CeilingSession.start(providers);
    }
  };

  private final String label;
  private final boolean async;

  Peer(String label, boolean async) {
    this.label = label;
    this.async = async;
  }

  public String label() {
    return label;
  }

  /** Whether the peer has asynchronous calls to measure. */
  public boolean hasAsync() {
    return async;
  }

  /**
   * Starts the peer's servers on loopback ({@code providers} of them where the peer can spread
   * calls) and a client connected to them, ready for calls.
   */
  public abstract Session start(int providers) throws Exception;

  public static Peer of(String label) {
    for (Peer p : values()) {
      if (p.label.equalsIgnoreCase(label) || p.name().equalsIgnoreCase(label)) {
        return p;
      }
    }
    throw new IllegalArgumentException(
        "unknown peer '"
            + label
            + "'; known: farcall, farcall-nonblocking, grpc, grpc-tuned, farcall-tls, grpc-tls,"
            + " netty-ceiling");
  }

  /** A started peer: its client, and everything to stop. */
  public interface Session extends AutoCloseable {
    UserService client();

    /** Stops the client and the servers; waits for their threads, but not without bound. */
    @Override
    void close();
  }
}
