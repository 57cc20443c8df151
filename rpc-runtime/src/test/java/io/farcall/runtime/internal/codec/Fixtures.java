package io.farcall.runtime.internal.codec;

import io.farcall.Remote;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/** Interfaces and types that the codec tests send around. */
final class Fixtures {
  private Fixtures() {}

  @Remote
  public interface Inventory {
    int reserve(String sku, int qty) throws InvalidOperation, QuotaExceeded;

    Stock stock(String sku);

    CompletableFuture<List<User>> users(Map<String, Address> byCity, Set<Role> roles);

    Shape biggest(Shape[] shapes);

    Object anything(Object value);

    void ping();

    Optional<Stock> find(UUID id, Instant asOf, long[] bins, BigDecimal price);
  }

  @Remote
  public interface Catalog {
    List<Product> products(Category category);
  }

  /** Mentions nothing that Inventory does not. */
  @Remote
  public interface Clock {
    long now();
  }

  public record Stock(String sku, int onHand, List<String> warehouses) {}

  public record Address(String street, String city) {}

  public enum Role {
    ADMIN,
    CLERK {
      @Override
      public String toString() {
        return "clerk";
      }
    }
  }

  /** A plain class: no no-arg constructor, a superclass, a generic field, a transient field. */
  public static class User extends Party {
    private final String name;
    private final List<Address> addresses;
    private transient Object cache = new Object();

    public User(long id, String name, List<Address> addresses) {
      super(id);
      this.name = name;
      this.addresses = addresses;
    }

    public String name() {
      return name;
    }

    public List<Address> addresses() {
      return addresses;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof User u
          && u.id() == id()
          && Objects.equals(u.name, name)
          && Objects.equals(u.addresses, addresses);
    }

    @Override
    public int hashCode() {
      return Objects.hash(id(), name, addresses);
    }
  }

  public abstract static class Party {
    private final long id;

    Party(long id) {
      this.id = id;
    }

    public long id() {
      return id;
    }
  }

  public sealed interface Shape permits Circle, Square {}

  public record Circle(double radius) implements Shape {}

  public record Square(double side) implements Shape {}

  public record Product(String name, Category category, Map<String, List<Price>> prices) {}

  public record Price(BigDecimal amount, String currency) {}

  public enum Category {
    BOOKS,
    TOOLS
  }

  /** A custom checked exception with fields of its own. */
  public static class InvalidOperation extends Exception {
    private final int whatOp;
    private final String why;

    public InvalidOperation(int whatOp, String why, Throwable cause) {
      super("operation " + whatOp + " refused: " + why, cause);
      this.whatOp = whatOp;
      this.why = why;
    }

    /** What the codec rebuilds it with; the fields are set afterwards. */
    protected InvalidOperation(String message, Throwable cause) {
      super(message, cause);
      this.whatOp = 0;
      this.why = null;
    }

    public int whatOp() {
      return whatOp;
    }

    public String why() {
      return why;
    }
  }

  /** A custom unchecked exception, with a (String) constructor only and a collection field. */
  public static class QuotaExceeded extends RuntimeException {
    private long limit;
    private List<Tenant> tenants;

    public QuotaExceeded(String message) {
      super(message);
    }

    public QuotaExceeded limit(long limit, List<Tenant> tenants) {
      this.limit = limit;
      this.tenants = tenants;
      return this;
    }

    public long limit() {
      return limit;
    }

    public List<Tenant> tenants() {
      return tenants;
    }
  }

  public record Tenant(String name) {}

  /** Declared nowhere: travels without its fields. */
  public static class Undeclared extends IllegalStateException {
    public int code = 7;

    public Undeclared(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** Has only a domain constructor, so cannot be rebuilt as itself. */
  public static class DomainOnly extends IOException {
    public DomainOnly(int code) {
      super("code " + code);
    }
  }

  /** Declares an exception that has only a domain constructor. */
  public interface Divider {
    int divide(int dividend, int divisor) throws DivisionRefused;
  }

  /** Only a domain constructor, whose parameters are its own fields. */
  public static class DivisionRefused extends Exception {
    private final int dividend;
    private final String why;

    public DivisionRefused(int dividend, String why) {
      super("cannot divide " + dividend + ": " + why);
      this.dividend = dividend;
      this.why = why;
    }

    public int dividend() {
      return dividend;
    }

    public String why() {
      return why;
    }
  }
}
