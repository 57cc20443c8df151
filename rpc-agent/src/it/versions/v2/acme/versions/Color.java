package acme.versions;

public enum Color {
  A,
  X,
  B
}
