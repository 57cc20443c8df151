package acme.ledger;

import io.farcall.RemoteRef;
import org.springframework.context.annotation.Profile;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /square?x=N}: an HTTP request served with a remote call. */
@RestController
@Profile("web")
public class SquareController {
  @RemoteRef private Ledger ledger;

  @GetMapping("/square")
  public String square(@RequestParam("x") int x) {
    return Integer.toString(ledger.square(x));
  }
}
