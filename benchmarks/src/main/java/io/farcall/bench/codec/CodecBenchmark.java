package io.farcall.bench.codec;

import com.google.protobuf.InvalidProtocolBufferException;
import io.farcall.bench.grpc.proto.BoolReply;
import io.farcall.bench.grpc.proto.ExistUserRequest;
import io.farcall.bench.grpc.proto.GetUserRequest;
import io.farcall.bench.grpc.proto.ListUserRequest;
import io.farcall.bench.grpc.proto.PageMessage;
import io.farcall.bench.grpc.proto.UserMessage;
import io.farcall.bench.model.User;
import io.farcall.bench.model.UserService;
import io.farcall.bench.model.Users;
import io.farcall.bench.peer.Protos;
import io.farcall.runtime.internal.codec.BodyCodec;
import io.farcall.runtime.internal.codec.PeerShapes;
import io.farcall.runtime.internal.transport.Frame;
import io.farcall.runtime.internal.transport.Frames;
import io.farcall.runtime.internal.transport.RequestKey;
import io.netty.buffer.ByteBuf;
import java.lang.reflect.Method;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Encoding and decoding one whole call, without the network: the request (from the caller's Java
 * arguments to the provider's Java arguments) and the reply (from the provider's Java value to the
 * caller's). Farcall: protobuf header and Kryo body in a heap buffer, as the runtime writes them
 * off the event loop and reads them. Protobuf: the equivalent messages, including the conversion
 * between the Java model and the messages that a protobuf application writes, serialized to bytes
 * and parsed back.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CodecBenchmark {
  @Param({"existUser", "createUser", "getUser", "listUser"})
  public String workload;

  private final BodyCodec codec = new BodyCodec(List.of());
  private final Frames frames = new Frames(16 * 1024 * 1024);
  private Method method;
  private RequestKey key;
  private Object[] args;
  private Object value;
  private long requestId;

  @Setup
  public void setUp() {
    codec.allowInterface(UserService.class);
    for (Method m : UserService.class.getMethods()) {
      if (m.getName().equals(workload)) {
        method = m;
      }
    }
    key =
        new RequestKey(
            UserService.class.getName(),
            workload + "(" + method.getParameterTypes()[0].getName() + ")"); // one parameter each
    switch (workload) {
      case "existUser" -> {
        args = new Object[] {"user1@example.org"};
        value = Boolean.TRUE;
      }
      case "createUser" -> {
        args = new Object[] {Users.user(1)};
        value = Boolean.TRUE;
      }
      case "getUser" -> {
        args = new Object[] {1L};
        value = Users.user(1);
      }
      case "listUser" -> {
        args = new Object[] {1};
        value = Users.page(1);
      }
      default -> throw new IllegalArgumentException(workload);
    }
  }

  @Benchmark
  public Object farcall() {
    long id = ++requestId;
    ByteBuf request =
        frames.request(
            key,
            id,
            System.currentTimeMillis() * 1000 + 5_000_000,
            5_000_000,
            (b, peer) -> codec.writeArguments(b, args, method.getParameterTypes(), peer),
            PeerShapes.SAME);
    Object[] decodedArgs;
    long decodedId;
    Frame in = Frames.parse(request.skipBytes(4));
    try {
      decodedId = in.requestId();
      decodedArgs = codec.readArguments(in.body(), method.getParameterTypes());
    } finally {
      in.release();
      request.release();
    }
    ByteBuf reply =
        frames.okReply(
            decodedId,
            (b, peer) -> codec.writeValue(b, value, method.getReturnType(), peer),
            PeerShapes.SAME);
    Frame out = Frames.parse(reply.skipBytes(4));
    try {
      Object result = codec.readValue(out.body(), method.getReturnType());
      return decodedArgs[0] == null ? null : result;
    } finally {
      out.release();
      reply.release();
    }
  }

  @Benchmark
  public Object protobuf() throws InvalidProtocolBufferException {
    return switch (workload) {
      case "existUser" -> {
        ExistUserRequest r =
            ExistUserRequest.parseFrom(
                ExistUserRequest.newBuilder().setEmail((String) args[0]).build().toByteArray());
        r.getEmail();
        yield BoolReply.parseFrom(BoolReply.newBuilder().setValue(true).build().toByteArray())
            .getValue();
      }
      case "createUser" -> {
        User u =
            Protos.fromMessage(
                UserMessage.parseFrom(Protos.toMessage((User) args[0]).toByteArray()));
        yield BoolReply.parseFrom(BoolReply.newBuilder().setValue(u != null).build().toByteArray())
            .getValue();
      }
      case "getUser" -> {
        GetUserRequest r =
            GetUserRequest.parseFrom(
                GetUserRequest.newBuilder().setId((Long) args[0]).build().toByteArray());
        r.getId();
        yield Protos.fromMessage(
            UserMessage.parseFrom(Protos.toMessage((User) value).toByteArray()));
      }
      case "listUser" -> {
        ListUserRequest r =
            ListUserRequest.parseFrom(
                ListUserRequest.newBuilder().setPageNo((Integer) args[0]).build().toByteArray());
        r.getPageNo();
        @SuppressWarnings("unchecked")
        io.farcall.bench.model.Page<User> page = (io.farcall.bench.model.Page<User>) value;
        yield Protos.fromMessage(PageMessage.parseFrom(Protos.toMessage(page).toByteArray()));
      }
      default -> throw new IllegalArgumentException(workload);
    };
  }
}
