package io.farcall.runtime.internal.codec;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Registration;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import com.esotericsoftware.kryo.util.DefaultClassResolver;

/**
 * Resolves classes by registered id only. A body that names a class by name, or by an id nobody
 * registered, is refused here, before Kryo looks up, loads or instantiates anything.
 *
 * <p>Kryo's own resolver would load a class named in the body ({@code Class.forName}) before {@code
 * registrationRequired} rejects it; this one never reads the name.
 */
final class ClassIdResolver extends DefaultClassResolver {

  @Override
  public Registration readClass(Input input) {
    int encoded = input.readVarInt(true);
    if (encoded == Kryo.NULL) {
      return null;
    }
    if (encoded == NAME + 2) {
      throw new BodyDecodingException("a class given by name is not allowed, only registered ids");
    }
    int id = encoded - 2;
    Registration registration = getRegistration(id);
    if (registration == null) {
      throw new BodyDecodingException(
          "class id "
              + id
              + " is not allowed: the sender's class is not among the types this side allowed"
              + " (those of its @Remote interfaces, and allowTypes / the agent option"
              + " allowtypes)");
    }
    return registration;
  }

  @SuppressWarnings("rawtypes") // Kryo's signature
  @Override
  protected void writeName(Output output, Class type, Registration registration) {
    // Unreachable with registrationRequired; kept so that a configuration slip cannot put class
    // names on the wire.
    throw new IllegalArgumentException("class " + type.getName() + " is not allowed");
  }
}
