package io.farcall.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.farcall.Remote;
import io.farcall.RpcException;
import io.farcall.runtime.allowed.Circle;
import io.farcall.runtime.allowed.Figure;
import io.farcall.runtime.allowed.Square;
import io.farcall.runtime.testing.ZooKeeperExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A parameter declared as a plain interface takes an implementation no signature names once both
 * sides allow it: by class, by name, or by package, as the agent's {@code allowtypes} option does.
 */
class AllowTypesTest {
  @RegisterExtension final ZooKeeperExtension zk = ZooKeeperExtension.perTest();

  @Remote
  public interface Drawing {
    double area(Figure figure);
  }

  public static class DrawingImpl implements Drawing {
    @Override
    public double area(Figure figure) {
      return figure.area();
    }
  }

  private Farcall provider;
  private Farcall consumer;

  @AfterEach
  void close() {
    for (Farcall f : new Farcall[] {consumer, provider}) {
      if (f != null) {
        f.close();
      }
    }
  }

  private Drawing drawing(String... allowed) {
    provider = Farcall.builder().registry(zk.connectString()).allowTypes(allowed).build();
    consumer = Farcall.builder().registry(zk.connectString()).allowTypes(allowed).build();
    provider.export(new DrawingImpl());
    return consumer.stub(Drawing.class);
  }

  @Test
  void anImplementationNoSignatureNamesIsRefusedSayingHowToAllowIt() {
    Drawing drawing = drawing();

    assertThatThrownBy(() -> drawing.area(new Circle(1)))
        .isInstanceOf(RpcException.class)
        .hasMessageContaining(Circle.class.getName() + " is not allowed")
        .hasMessageContaining("allowTypes(Circle.class)")
        .hasMessageContaining("allowtypes=" + Circle.class.getName());
  }

  @Test
  void aClassAllowedByNameTravels() {
    Drawing drawing = drawing(Circle.class.getName());

    assertThat(drawing.area(new Circle(1))).isEqualTo(Math.PI);
    assertThatThrownBy(() -> drawing.area(new Square(2)))
        .hasMessageContaining(Square.class.getName() + " is not allowed");
  }

  @Test
  void everyClassOfAnAllowedPackageTravels() {
    Drawing drawing = drawing("io.farcall.runtime.allowed.*");

    assertThat(drawing.area(new Circle(1))).isEqualTo(Math.PI);
    assertThat(drawing.area(new Square(2))).isEqualTo(4.0);
  }
}
