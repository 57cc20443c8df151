package io.farcall.bench.peer;

import com.google.common.util.concurrent.FutureCallback;
import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import com.google.common.util.concurrent.MoreExecutors;
import com.google.protobuf.ByteString;
import io.farcall.bench.grpc.proto.BoolReply;
import io.farcall.bench.grpc.proto.BytesMessage;
import io.farcall.bench.grpc.proto.ExistUserRequest;
import io.farcall.bench.grpc.proto.GetUserRequest;
import io.farcall.bench.grpc.proto.ListUserRequest;
import io.farcall.bench.grpc.proto.PageMessage;
import io.farcall.bench.grpc.proto.UserMessage;
import io.farcall.bench.grpc.proto.UserServiceGrpc;
import io.farcall.bench.model.Page;
import io.farcall.bench.model.User;
import io.farcall.bench.model.UserService;
import io.farcall.bench.model.UserServiceImpl;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.OpenSsl;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslProvider;
import io.grpc.stub.StreamObserver;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * gRPC-Java over its shaded Netty: a server with the same service implementation behind a protobuf
 * adapter, and a channel whose blocking stub (synchronous calls) and future stub (asynchronous
 * calls) are wrapped as a {@link UserService}. Tuned means {@code directExecutor()} on both sides:
 * handlers and callbacks run on the event loops, no executor hand-off.
 */
final class GrpcSession implements Peer.Session {
  /** Enough for the 1 MiB echo; gRPC's default limit is 4 MiB. */
  private static final int MAX_MESSAGE = 16 * 1024 * 1024;

  private final Server server;
  private final ManagedChannel channel;
  private final UserService client;

  private GrpcSession(Server server, ManagedChannel channel) {
    this.server = server;
    this.channel = channel;
    this.client = new Client(channel);
  }

  static GrpcSession start(int providers, boolean tuned) throws Exception {
    return start(providers, tuned, null);
  }

  /** Default settings over TLS 1.3, through the OpenSSL grpc-netty-shaded carries. */
  static GrpcSession startTls(int providers) throws Exception {
    if (!OpenSsl.isAvailable()) {
      throw new IllegalStateException(
          "grpc-netty-shaded's OpenSSL did not load: " + OpenSsl.unavailabilityCause());
    }
    return start(providers, false, TlsFiles.create());
  }

  private static GrpcSession start(int providers, boolean tuned, TlsFiles tls) throws Exception {
    if (providers != 1) {
      throw new IllegalArgumentException("the gRPC peer runs one server");
    }
    NettyServerBuilder sb =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
            .maxInboundMessageSize(MAX_MESSAGE)
            .addService(new Service(new UserServiceImpl()));
    if (tls != null) {
      sb.sslContext(
          GrpcSslContexts.configure(
                  SslContextBuilder.forServer(tls.certificate().toFile(), tls.key().toFile()),
                  SslProvider.OPENSSL)
              .protocols("TLSv1.3")
              .build());
    }
    if (tuned) {
      sb.directExecutor();
    }
    Server server = sb.build().start();
    NettyChannelBuilder cb =
        NettyChannelBuilder.forAddress("127.0.0.1", server.getPort())
            .maxInboundMessageSize(MAX_MESSAGE);
    if (tls == null) {
      cb.usePlaintext();
    } else {
      cb.sslContext(
          GrpcSslContexts.configure(SslContextBuilder.forClient(), SslProvider.OPENSSL)
              .protocols("TLSv1.3")
              .trustManager(tls.authority().toFile())
              .build());
    }
    if (tuned) {
      cb.directExecutor();
    }
    GrpcSession s = new GrpcSession(server, cb.build());
    s.client.existUser("warm@example.org");
    return s;
  }

  @Override
  public UserService client() {
    return client;
  }

  @Override
  public void close() {
    try {
      channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
      server.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The server side: protobuf in, the shared implementation, protobuf out. */
  private static final class Service extends UserServiceGrpc.UserServiceImplBase {
    private final UserService impl;

    Service(UserService impl) {
      this.impl = impl;
    }

    @Override
    public void existUser(ExistUserRequest request, StreamObserver<BoolReply> out) {
      reply(out, BoolReply.newBuilder().setValue(impl.existUser(request.getEmail())).build());
    }

    @Override
    public void createUser(UserMessage request, StreamObserver<BoolReply> out) {
      boolean created = impl.createUser(Protos.fromMessage(request));
      reply(out, BoolReply.newBuilder().setValue(created).build());
    }

    @Override
    public void getUser(GetUserRequest request, StreamObserver<UserMessage> out) {
      reply(out, Protos.toMessage(impl.getUser(request.getId())));
    }

    @Override
    public void listUser(ListUserRequest request, StreamObserver<PageMessage> out) {
      reply(out, Protos.toMessage(impl.listUser(request.getPageNo())));
    }

    @Override
    public void echo(BytesMessage request, StreamObserver<BytesMessage> out) {
      byte[] echoed = impl.echo(request.getData().toByteArray());
      reply(out, BytesMessage.newBuilder().setData(ByteString.copyFrom(echoed)).build());
    }

    private static <T> void reply(StreamObserver<T> out, T message) {
      out.onNext(message);
      out.onCompleted();
    }
  }

  /** The client side: the Java model in, protobuf over gRPC, the Java model out. */
  private static final class Client implements UserService {
    private final UserServiceGrpc.UserServiceBlockingStub blocking;
    private final UserServiceGrpc.UserServiceFutureStub future;

    Client(ManagedChannel channel) {
      blocking = UserServiceGrpc.newBlockingStub(channel);
      future = UserServiceGrpc.newFutureStub(channel);
    }

    @Override
    public boolean existUser(String email) {
      return blocking.existUser(existRequest(email)).getValue();
    }

    @Override
    public boolean createUser(User user) {
      return blocking.createUser(Protos.toMessage(user)).getValue();
    }

    @Override
    public User getUser(long id) {
      return Protos.fromMessage(blocking.getUser(getRequest(id)));
    }

    @Override
    public Page<User> listUser(int pageNo) {
      return Protos.fromMessage(blocking.listUser(listRequest(pageNo)));
    }

    @Override
    public byte[] echo(byte[] payload) {
      return blocking
          .echo(BytesMessage.newBuilder().setData(ByteString.copyFrom(payload)).build())
          .getData()
          .toByteArray();
    }

    @Override
    public CompletableFuture<Boolean> existUserAsync(String email) {
      return adapt(future.existUser(existRequest(email)), BoolReply::getValue);
    }

    @Override
    public CompletableFuture<Boolean> createUserAsync(User user) {
      return adapt(future.createUser(Protos.toMessage(user)), BoolReply::getValue);
    }

    @Override
    public CompletableFuture<User> getUserAsync(long id) {
      return adapt(future.getUser(getRequest(id)), Protos::fromMessage);
    }

    @Override
    public CompletableFuture<Page<User>> listUserAsync(int pageNo) {
      return adapt(future.listUser(listRequest(pageNo)), Protos::fromMessage);
    }

    private static ExistUserRequest existRequest(String email) {
      return ExistUserRequest.newBuilder().setEmail(email).build();
    }

    private static GetUserRequest getRequest(long id) {
      return GetUserRequest.newBuilder().setId(id).build();
    }

    private static ListUserRequest listRequest(int pageNo) {
      return ListUserRequest.newBuilder().setPageNo(pageNo).build();
    }

    /** A future of the converted reply, completed where gRPC completes its own. */
    private static <M, T> CompletableFuture<T> adapt(
        ListenableFuture<M> reply, Function<M, T> convert) {
      CompletableFuture<T> result = new CompletableFuture<>();
      Futures.addCallback(
          reply,
          new FutureCallback<M>() {
            @Override
            public void onSuccess(M message) {
              try {
                result.complete(convert.apply(message));
              } catch (RuntimeException e) {
                result.completeExceptionally(e);
              }
            }

            @Override
            public void onFailure(Throwable t) {
              result.completeExceptionally(t);
            }
          },
          MoreExecutors.directExecutor());
      return result;
    }
  }
}
