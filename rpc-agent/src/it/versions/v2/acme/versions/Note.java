package acme.versions;

public record Note(String text) {}
