package acme.versions;

public record Rec(String sku, int qty) {}
