package io.rollout4j.expr;

import java.util.AbstractList;
import java.util.Arrays;
import java.util.RandomAccess;

/**
 * A result that is Go's {@code []float64} (a vector, as Argo's Prometheus provider gives) rather
 * than decoded JSON's {@code []interface{}}. expr keeps the difference: its elements are typed, and
 * it never equals a list literal ({@code result == [0.5]} is false in Argo), while its slices stay
 * vectors.
 */
final class FloatVector extends AbstractList<Object> implements RandomAccess {
  private final double[] values;

  FloatVector(double[] values) {
    this.values = values.clone();
  }

  @Override
  public Object get(int index) {
    return values[index];
  }

  @Override
  public int size() {
    return values.length;
  }

  FloatVector slice(int from, int to) {
    return new FloatVector(Arrays.copyOfRange(values, from, to));
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof FloatVector v && Arrays.equals(values, v.values);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(values);
  }
}
