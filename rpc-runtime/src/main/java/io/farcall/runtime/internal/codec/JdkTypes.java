package io.farcall.runtime.internal.codec;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.serializers.DefaultSerializers.URISerializer;
import com.esotericsoftware.kryo.serializers.DefaultSerializers.UUIDSerializer;
import com.google.common.collect.ImmutableMap;
import com.google.common.collect.ImmutableSet;
import io.farcall.runtime.internal.codec.BoundedSerializers.BoundedCollectionSerializer;
import io.farcall.runtime.internal.codec.BoundedSerializers.BoundedMapSerializer;
import io.farcall.runtime.internal.codec.BoundedSerializers.BoundedObjectArraySerializer;
import io.farcall.runtime.internal.codec.BoundedSerializers.UserArraySerializer;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URI;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.Month;
import java.time.MonthDay;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.Period;
import java.time.Year;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Currency;
import java.util.Date;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.LinkedList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * The JDK classes every Farcall body may carry, whatever the interfaces say, and which Kryo
 * serializer each one gets.
 *
 * <p>Boxed primitives and String are not listed: Kryo registers them itself, under fixed ids below
 * {@link AllowList#MIN_ID}. JDK-internal classes (the ones behind {@code List.of}, {@code
 * Collections.emptyList}, ...) are named through instances, never by reflection, and all of them
 * get serializers that need no access to their private fields, so nothing here needs {@code
 * --add-opens}.
 *
 * <p>Deliberately absent: {@code URL} (its {@code hashCode} resolves host names: the classic
 * "URLDNS" deserialization probe), {@code Class}, and anything that loads classes by name.
 */
final class JdkTypes {
  private JdkTypes() {}

  private static final Class<?> LIST_OF_N = List.of().getClass();
  private static final Class<?> LIST_OF_1 = List.of(1).getClass();
  private static final Class<?> LIST_OF_SUB = List.of(1, 2, 3, 4).subList(0, 2).getClass();

  /**
   * Serializers for classes whose Kryo default is missing, needs access to JDK internals, or trusts
   * the sizes it reads (pre-sizes from them, or fills a hash table however its keys collide).
   */
  private static final ImmutableMap<Class<?>, Function<Kryo, Serializer<?>>> SPECIAL =
      ImmutableMap.<Class<?>, Function<Kryo, Serializer<?>>>builder()
          .put(LIST_OF_N, kryo -> BoundedSerializers.immutableList())
          .put(LIST_OF_1, kryo -> BoundedSerializers.immutableList())
          .put(LIST_OF_SUB, kryo -> BoundedSerializers.immutableList())
          .put(Set.of().getClass(), kryo -> BoundedSerializers.immutableSet())
          .put(Set.of(1).getClass(), kryo -> BoundedSerializers.immutableSet())
          .put(Map.of().getClass(), kryo -> BoundedSerializers.immutableMap())
          .put(Map.of(1, 2).getClass(), kryo -> BoundedSerializers.immutableMap())
          .put(
              Collections.unmodifiableList(new ArrayList<>()).getClass(),
              kryo -> BoundedSerializers.unmodifiableList())
          .put(
              Collections.unmodifiableList(new LinkedList<>()).getClass(),
              kryo -> BoundedSerializers.unmodifiableList())
          .put(
              Collections.unmodifiableCollection(new ArrayList<>()).getClass(),
              kryo -> BoundedSerializers.unmodifiableCollection())
          .put(
              Collections.unmodifiableSet(new HashSet<>()).getClass(),
              kryo -> BoundedSerializers.unmodifiableSet())
          .put(
              Collections.unmodifiableMap(new HashMap<>()).getClass(),
              kryo -> BoundedSerializers.unmodifiableMap())
          .put(Arrays.asList().getClass(), kryo -> BoundedSerializers.arraysAsList())
          // Kryo has these serializers but does not make them defaults.
          .put(UUID.class, kryo -> new UUIDSerializer())
          .put(URI.class, kryo -> new URISerializer())
          .buildOrThrow();

  /** JDK collections whose Kryo serializer would pre-size from the untrusted length. */
  private static final ImmutableSet<Class<?>> PLAIN_COLLECTIONS =
      ImmutableSet.of(
          ArrayList.class,
          LinkedList.class,
          HashSet.class,
          LinkedHashSet.class,
          ArrayDeque.class,
          CopyOnWriteArrayList.class);

  private static final ImmutableSet<Class<?>> PLAIN_MAPS =
      ImmutableSet.of(HashMap.class, LinkedHashMap.class, ConcurrentHashMap.class);

  /** Every JDK class allowed in every body. */
  static final ImmutableSet<Class<?>> ALWAYS_ALLOWED =
      ImmutableSet.<Class<?>>builder()
          .add(BigInteger.class, BigDecimal.class, Locale.class)
          .add(Currency.class, Date.class)
          .add(LocalDate.class, LocalTime.class, LocalDateTime.class, Instant.class)
          .add(Duration.class, Period.class, ZonedDateTime.class, OffsetDateTime.class)
          .add(OffsetTime.class, Year.class, YearMonth.class, MonthDay.class)
          .add(ZoneOffset.class, ZoneId.of("Europe/Paris").getClass(), DayOfWeek.class, Month.class)
          .add(Optional.class, OptionalInt.class, OptionalLong.class, OptionalDouble.class)
          .add(boolean[].class, byte[].class, char[].class, short[].class, int[].class)
          .add(long[].class, float[].class, double[].class, String[].class, Object[].class)
          .addAll(PLAIN_COLLECTIONS)
          .addAll(PLAIN_MAPS)
          .add(TreeMap.class, TreeSet.class, EnumSet.class)
          .add(Collections.emptyList().getClass(), Collections.emptySet().getClass())
          .add(Collections.emptyMap().getClass(), Collections.singletonList(1).getClass())
          .add(Collections.singleton(1).getClass(), Collections.singletonMap(1, 1).getClass())
          .addAll(SPECIAL.keySet())
          .build();

  /** Whether the class belongs to the JDK (boot or platform loader), primitives included. */
  static boolean isJdk(Class<?> type) {
    while (type.isArray()) {
      type = type.getComponentType();
    }
    ClassLoader loader = type.getClassLoader();
    return loader == null || loader == ClassLoader.getPlatformClassLoader();
  }

  /**
   * The serializer an allowed class is registered with, or null for Kryo's default one (records,
   * enums, java.time, Optional, {@code Collections.empty*}, ...).
   */
  static Function<Kryo, Serializer<?>> serializerFor(Class<?> type) {
    Function<Kryo, Serializer<?>> special = SPECIAL.get(type);
    if (special != null) {
      return special;
    }
    if (type.isArray() && !type.getComponentType().isPrimitive()) {
      return isJdk(type)
          ? kryo -> new BoundedObjectArraySerializer(kryo, type)
          : kryo -> new UserArraySerializer(type);
    }
    boolean plainJdk = PLAIN_COLLECTIONS.contains(type) || PLAIN_MAPS.contains(type);
    boolean userType = !isJdk(type);
    if ((plainJdk || userType) && Collection.class.isAssignableFrom(type)) {
      return kryo -> new BoundedCollectionSerializer();
    }
    if ((plainJdk || userType) && Map.class.isAssignableFrom(type)) {
      return kryo -> new BoundedMapSerializer();
    }
    return null;
  }
}
