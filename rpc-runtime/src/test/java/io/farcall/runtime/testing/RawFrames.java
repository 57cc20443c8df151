package io.farcall.runtime.testing;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import io.farcall.runtime.internal.codec.proto.Header;
import io.farcall.runtime.internal.codec.proto.Kind;
import io.farcall.runtime.internal.transport.Frame;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;

/** Farcall frames made and read by hand, for tests that talk to a provider over a raw socket. */
public final class RawFrames {
  private RawFrames() {}

  /** A frame on the wire: length, header length, header, body. */
  public static byte[] frame(byte[] header, byte[] body) throws IOException {
    ByteArrayOutputStream inner = new ByteArrayOutputStream();
    CodedOutputStream c = CodedOutputStream.newInstance(inner);
    c.writeUInt32NoTag(header.length);
    c.flush();
    inner.write(header);
    inner.write(body);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(int32(inner.size()));
    out.write(inner.toByteArray());
    return out.toByteArray();
  }

  public static byte[] int32(int v) {
    return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
  }

  /** A request header for request id 77, with five seconds to go. */
  public static Header.Builder request(String service, String method) {
    return Header.newBuilder()
        .setVersion(Frame.PROTOCOL_VERSION)
        .setKind(Kind.KIND_REQUEST)
        .setRequestId(77)
        .setService(service)
        .setMethod(method)
        .setTimeoutMicros(5_000_000);
  }

  /** The header of the next frame other than the provider's hello (its type shapes). */
  public static Header readFrameHeader(InputStream in) throws IOException {
    DataInputStream data = new DataInputStream(in);
    while (true) {
      int length = data.readInt();
      byte[] frame = new byte[length];
      data.readFully(frame);
      CodedInputStream cin = CodedInputStream.newInstance(frame);
      int headerLength = cin.readRawVarint32();
      int limit = cin.pushLimit(headerLength);
      Header h = Header.parseFrom(cin);
      cin.popLimit(limit);
      if (h.getKind() != Kind.KIND_HELLO) {
        return h;
      }
    }
  }

  /** Reads until the peer closes the stream; fails if the socket's read timeout passes first. */
  public static void assertClosedByPeer(java.net.Socket s) {
    try {
      InputStream in = s.getInputStream();
      while (true) {
        if (in.read() < 0) {
          return; // orderly close
        }
      }
    } catch (SocketTimeoutException e) {
      throw new AssertionError("the provider kept the connection open", e);
    } catch (EOFException e) {
      return;
    } catch (IOException e) {
      return; // reset by the peer: closed as well
    }
  }
}
