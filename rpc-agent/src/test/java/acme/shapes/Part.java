package acme.shapes;

public record Part(long id, String name) {}
