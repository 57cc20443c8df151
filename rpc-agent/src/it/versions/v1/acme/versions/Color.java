package acme.versions;

public enum Color {
  A,
  B
}
