package acme.versions;

public class Base {}
