package io.rollout4j.model;

import java.util.AbstractCollection;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;

/**
 * An unmodifiable, insertion-ordered map with String keys whose values are immutable (frozen JSON
 * trees, labels); only {@link Immutables} makes them. A controller keeps every object it watches in
 * memory, so the layout is as small as we can make it: no base-class fields, keys and values in two
 * arrays, the key array shared by every map with the same keys in the same order (every container
 * of every Deployment in a fleet has the same few shapes), looked up linearly up to 12 keys and
 * through a hash index above that.
 */
class FrozenMap implements Map<String, @Nullable Object> {
  private static final int LINEAR = 12;

  /** Key arrays by content; bounded so that data with ever-new keys cannot grow it forever. */
  private static final Map<List<String>, String[]> SHAPES = new ConcurrentHashMap<>();

  private static final int MAX_SHAPES = 65_536;

  final String[] keys;
  final @Nullable Object[] values;

  FrozenMap(String[] keys, @Nullable Object[] values) {
    this.keys = keys;
    this.values = values;
  }

  /** A map of these keys (interned, distinct) and values; {@code keys} is not kept if shared. */
  static FrozenMap of(String[] keys, @Nullable Object[] values) {
    String[] shape = SHAPES.get(Arrays.asList(keys));
    if (shape == null) {
      shape = keys;
      if (SHAPES.size() < MAX_SHAPES) {
        String[] raced = SHAPES.putIfAbsent(Arrays.asList(keys), keys);
        shape = raced == null ? keys : raced;
      }
    }
    return shape.length > LINEAR ? new Indexed(shape, values) : new FrozenMap(shape, values);
  }

  int indexOf(@Nullable Object key) {
    String[] k = keys;
    for (int i = 0; i < k.length; i++) {
      if (k[i].equals(key)) {
        return i;
      }
    }
    return -1;
  }

  @Override
  public @Nullable Object get(@Nullable Object key) {
    int at = indexOf(key);
    return at < 0 ? null : values[at];
  }

  @Override
  public boolean containsKey(@Nullable Object key) {
    return indexOf(key) >= 0;
  }

  @Override
  public boolean containsValue(@Nullable Object value) {
    for (Object v : values) {
      if (Objects.equals(v, value)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public int size() {
    return keys.length;
  }

  @Override
  public boolean isEmpty() {
    return keys.length == 0;
  }

  @Override
  public @Nullable Object put(String key, @Nullable Object value) {
    throw new UnsupportedOperationException("frozen");
  }

  @Override
  public @Nullable Object remove(@Nullable Object key) {
    throw new UnsupportedOperationException("frozen");
  }

  @Override
  public void putAll(Map<? extends String, ? extends @Nullable Object> m) {
    throw new UnsupportedOperationException("frozen");
  }

  @Override
  public void clear() {
    throw new UnsupportedOperationException("frozen");
  }

  // equals, hashCode and forEach without an entry object per field: models hash these trees.
  @Override
  public int hashCode() {
    int hash = 0;
    for (int i = 0; i < keys.length; i++) {
      hash += keys[i].hashCode() ^ Objects.hashCode(values[i]);
    }
    return hash;
  }

  @Override
  public boolean equals(@Nullable Object other) {
    if (other == this) {
      return true;
    }
    if (!(other instanceof Map<?, ?> that) || that.size() != keys.length) {
      return false;
    }
    if (that instanceof FrozenMap frozen) {
      for (int i = 0; i < keys.length; i++) {
        int at = frozen.keys == keys ? i : frozen.indexOf(keys[i]);
        if (at < 0 || !Objects.equals(values[i], frozen.values[at])) {
          return false;
        }
      }
      return true;
    }
    for (int i = 0; i < keys.length; i++) {
      Object theirs = that.get(keys[i]);
      if (!Objects.equals(values[i], theirs) || (theirs == null && !that.containsKey(keys[i]))) {
        return false;
      }
    }
    return true;
  }

  @Override
  public void forEach(BiConsumer<? super String, ? super @Nullable Object> action) {
    for (int i = 0; i < keys.length; i++) {
      action.accept(keys[i], values[i]);
    }
  }

  @Override
  public String toString() {
    StringBuilder out = new StringBuilder("{");
    for (int i = 0; i < keys.length; i++) {
      if (i > 0) {
        out.append(", ");
      }
      out.append(keys[i]).append('=').append(values[i] == this ? "(this Map)" : values[i]);
    }
    return out.append('}').toString();
  }

  @Override
  public Set<String> keySet() {
    return new AbstractSet<>() {
      @Override
      public Iterator<String> iterator() {
        return new Positions<>(keys.length) {
          @Override
          String at(int index) {
            return keys[index];
          }
        };
      }

      @Override
      public boolean contains(@Nullable Object key) {
        return indexOf(key) >= 0;
      }

      @Override
      public int size() {
        return keys.length;
      }
    };
  }

  @Override
  public Collection<@Nullable Object> values() {
    return new AbstractCollection<>() {
      @Override
      public Iterator<@Nullable Object> iterator() {
        return new Positions<>(keys.length) {
          @Override
          @SuppressWarnings("NullAway") // JSON nulls are values like any other
          Object at(int index) {
            return values[index];
          }
        };
      }

      @Override
      public int size() {
        return keys.length;
      }
    };
  }

  @Override
  public Set<Map.Entry<String, @Nullable Object>> entrySet() {
    return new AbstractSet<>() {
      @Override
      public Iterator<Map.Entry<String, @Nullable Object>> iterator() {
        return new Positions<>(keys.length) {
          @Override
          Map.Entry<String, @Nullable Object> at(int index) {
            return new java.util.AbstractMap.SimpleImmutableEntry<>(keys[index], values[index]);
          }
        };
      }

      @Override
      public int size() {
        return keys.length;
      }
    };
  }

  /** An iterator over positions 0..size-1. */
  private abstract static class Positions<T> implements Iterator<T> {
    private final int size;
    private int next;

    Positions(int size) {
      this.size = size;
    }

    abstract T at(int index);

    @Override
    public boolean hasNext() {
      return next < size;
    }

    @Override
    public T next() {
      if (next >= size) {
        throw new NoSuchElementException();
      }
      return at(next++);
    }
  }

  /** A map of more than 12 keys, with a hash index from key to position. */
  private static final class Indexed extends FrozenMap {
    private final Map<String, Integer> index;

    Indexed(String[] keys, @Nullable Object[] values) {
      super(keys, values);
      Map<String, Integer> positions = new java.util.HashMap<>(keys.length * 2);
      for (int i = 0; i < keys.length; i++) {
        positions.put(keys[i], i);
      }
      this.index = positions;
    }

    @Override
    int indexOf(@Nullable Object key) {
      Integer at = index.get(key);
      return at == null ? -1 : at;
    }
  }
}
