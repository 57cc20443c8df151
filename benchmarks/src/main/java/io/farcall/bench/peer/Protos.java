package io.farcall.bench.peer;

import io.farcall.bench.grpc.proto.PageMessage;
import io.farcall.bench.grpc.proto.UserMessage;
import io.farcall.bench.model.Page;
import io.farcall.bench.model.User;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * Conversion between the Java model and the protobuf messages, which a gRPC application writes by
 * hand; the gRPC peer runs it inside every timed call, on both sides.
 */
public final class Protos {
  private Protos() {}

  public static UserMessage toMessage(User u) {
    return UserMessage.newBuilder()
        .setId(u.getId())
        .setName(u.getName())
        .setSex(u.getSex())
        .setBirthdayEpochDay(u.getBirthday().toEpochDay())
        .setEmail(u.getEmail())
        .setMobile(u.getMobile())
        .setAddress(u.getAddress())
        .setIcon(u.getIcon())
        .addAllPermissions(u.getPermissions())
        .setStatus(u.getStatus())
        .setCreateTimeMicros(micros(u.getCreateTime()))
        .setUpdateTimeMicros(micros(u.getUpdateTime()))
        .build();
  }

  public static User fromMessage(UserMessage m) {
    User u = new User();
    u.setId(m.getId());
    u.setName(m.getName());
    u.setSex(m.getSex());
    u.setBirthday(LocalDate.ofEpochDay(m.getBirthdayEpochDay()));
    u.setEmail(m.getEmail());
    u.setMobile(m.getMobile());
    u.setAddress(m.getAddress());
    u.setIcon(m.getIcon());
    u.setPermissions(new ArrayList<>(m.getPermissionsList()));
    u.setStatus(m.getStatus());
    u.setCreateTime(dateTime(m.getCreateTimeMicros()));
    u.setUpdateTime(dateTime(m.getUpdateTimeMicros()));
    return u;
  }

  public static PageMessage toMessage(Page<User> p) {
    PageMessage.Builder b =
        PageMessage.newBuilder().setPageNo(p.getPageNo()).setTotal(p.getTotal());
    for (User u : p.getResult()) {
      b.addResult(toMessage(u));
    }
    return b.build();
  }

  public static Page<User> fromMessage(PageMessage m) {
    List<User> users = new ArrayList<>(m.getResultCount());
    for (UserMessage u : m.getResultList()) {
      users.add(fromMessage(u));
    }
    Page<User> p = new Page<>();
    p.setPageNo(m.getPageNo());
    p.setTotal(m.getTotal());
    p.setResult(users);
    return p;
  }

  private static long micros(LocalDateTime t) {
    return t.toEpochSecond(ZoneOffset.UTC) * 1_000_000 + t.getNano() / 1_000;
  }

  private static LocalDateTime dateTime(long micros) {
    return LocalDateTime.ofEpochSecond(
        Math.floorDiv(micros, 1_000_000), Math.floorMod(micros, 1_000_000) * 1_000, ZoneOffset.UTC);
  }
}
