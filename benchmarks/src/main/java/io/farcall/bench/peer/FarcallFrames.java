package io.farcall.bench.peer;

import com.google.protobuf.CodedOutputStream;
import io.farcall.bench.model.UserService;
import io.farcall.bench.model.Users;
import io.farcall.runtime.internal.codec.BodyCodec;
import io.farcall.runtime.internal.codec.PeerShapes;
import io.farcall.runtime.internal.codec.proto.Header;
import io.farcall.runtime.internal.codec.proto.Kind;
import io.farcall.runtime.internal.codec.proto.Status;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * The bytes Farcall puts on the wire for a call and its reply (everything after the 4-byte length:
 * header length, protobuf header, Kryo body), encoded once per method and argument size with
 * Farcall's own codec, for the ceiling to bounce.
 */
final class FarcallFrames {
  /** A request's bytes, the reply's bytes, and the index the server finds the reply by. */
  record Pair(int index, byte[] request, byte[] reply) {}

  private final BodyCodec codec = new BodyCodec(List.of());
  private final Map<String, Pair> byKey = new ConcurrentHashMap<>();
  private volatile byte[][] replies = new byte[0][];

  FarcallFrames() {
    codec.allowInterface(UserService.class);
  }

  /** The frames of a call to {@code method} with arguments like {@code args}. */
  Pair of(String method, Object[] args) {
    String key = args.length == 1 && args[0] instanceof byte[] b ? method + "/" + b.length : method;
    Pair p = byKey.get(key);
    return p != null ? p : encode(key, method, args);
  }

  byte[] reply(int index) {
    return replies[index];
  }

  private synchronized Pair encode(String key, String name, Object[] args) {
    Pair known = byKey.get(key);
    if (known != null) {
      return known;
    }
    Method m = method(name);
    String methodKey =
        name
            + Arrays.stream(m.getParameterTypes())
                .map(Class::getName)
                .collect(Collectors.joining(",", "(", ")"));
    Header request =
        Header.newBuilder()
            .setVersion(1)
            .setKind(Kind.KIND_REQUEST)
            .setRequestId(1_000_000)
            .setService(UserService.class.getName())
            .setMethod(methodKey)
            .setDeadlineUnixMicros(System.currentTimeMillis() * 1000 + 5_000_000)
            .setTimeoutMicros(5_000_000)
            .build();
    Header response =
        Header.newBuilder()
            .setVersion(1)
            .setKind(Kind.KIND_RESPONSE)
            .setRequestId(1_000_000)
            .setStatus(Status.STATUS_OK)
            .build();
    Object value = replyValue(name, args);
    byte[] req =
        frame(request, b -> codec.writeArguments(b, args, m.getParameterTypes(), PeerShapes.SAME));
    byte[] rep =
        frame(response, b -> codec.writeValue(b, value, m.getReturnType(), PeerShapes.SAME));
    byte[][] grown = Arrays.copyOf(replies, replies.length + 1);
    grown[replies.length] = rep;
    Pair p = new Pair(replies.length, req, rep);
    replies = grown;
    byKey.put(key, p);
    return p;
  }

  private static Object replyValue(String method, Object[] args) {
    return switch (method) {
      case "existUser", "createUser" -> Boolean.TRUE;
      case "getUser" -> Users.user((Long) args[0]);
      case "listUser" -> Users.page((Integer) args[0]);
      case "echo" -> args[0];
      default -> throw new IllegalArgumentException("no reply known for " + method);
    };
  }

  private static Method method(String name) {
    for (Method m : UserService.class.getMethods()) {
      if (m.getName().equals(name)) {
        return m;
      }
    }
    throw new IllegalArgumentException("UserService has no method " + name);
  }

  private static byte[] frame(Header header, java.util.function.Consumer<ByteBuf> body) {
    ByteBuf buf = Unpooled.buffer();
    try {
      byte[] h = header.toByteArray();
      byte[] length = new byte[CodedOutputStream.computeUInt32SizeNoTag(h.length)];
      CodedOutputStream out = CodedOutputStream.newInstance(length);
      out.writeUInt32NoTag(h.length);
      out.flush();
      buf.writeBytes(length).writeBytes(h);
      body.accept(buf);
      return ByteBufUtil.getBytes(buf);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      buf.release();
    }
  }
}
