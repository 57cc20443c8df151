package io.farcall.bench.model;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;

/** The sample data every peer sends and returns, the same for all of them. */
public final class Users {
  /** 25 characters, as in rpc-benchmark. */
  static final String ADDRESS = "100 Main Street, Suite 42";

  /** 38 characters, as in rpc-benchmark. */
  static final String ICON = "https://img.example.org/avatars/42.png";

  /** Whole milliseconds, so every peer's encoding of times round-trips exactly. */
  private static final LocalDateTime CREATED =
      LocalDateTime.of(2026, 11, 21, 10, 30, 15, 123_000_000);

  /** Users per page of {@code listUser}. */
  public static final int PAGE_SIZE = 15;

  private Users() {}

  public static User user(long id) {
    User u = new User();
    u.setId(id);
    u.setName("Doug Lea");
    u.setSex(1);
    u.setBirthday(LocalDate.of(1968, 12, 8));
    u.setEmail("dong.lea@gmail.com");
    u.setMobile("18612345678");
    u.setAddress(ADDRESS);
    u.setIcon(ICON);
    List<Integer> permissions = new ArrayList<>(15);
    for (int i = 1; i <= 15; i++) {
      permissions.add(i);
    }
    u.setPermissions(permissions);
    u.setStatus(1);
    u.setCreateTime(CREATED);
    u.setUpdateTime(CREATED.plusHours(1));
    return u;
  }

  public static Page<User> page(int pageNo) {
    List<User> users = new ArrayList<>(PAGE_SIZE);
    for (int i = 0; i < PAGE_SIZE; i++) {
      users.add(user((long) pageNo * PAGE_SIZE + i));
    }
    Page<User> page = new Page<>();
    page.setPageNo(pageNo);
    page.setTotal(1000);
    page.setResult(users);
    return page;
  }
}
