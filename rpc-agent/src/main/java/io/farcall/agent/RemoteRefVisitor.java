package io.farcall.agent;

import java.util.ArrayList;
import java.util.List;
import net.bytebuddy.asm.AsmVisitorWrapper;
import net.bytebuddy.description.annotation.AnnotationDescription;
import net.bytebuddy.description.field.FieldDescription;
import net.bytebuddy.description.field.FieldList;
import net.bytebuddy.description.method.MethodList;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.implementation.Implementation;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;
import net.bytebuddy.pool.TypePool;
import net.bytebuddy.utility.OpenedClassReader;

/**
 * Fills the {@code @RemoteRef} fields of one class with their stubs. An instance field is set in
 * every constructor right after its {@code super(...)} or {@code this(...)} call, before field
 * initialisers and the constructor body, so code in the constructor already sees the stub; a static
 * field is set first thing in class initialisation (a class initialiser is added if there is none).
 * The inserted code is straight-line ({@code Hooks.remoteRef(Owner.class, "field")} and a cast), so
 * no stack map frames change.
 */
final class RemoteRefVisitor extends AsmVisitorWrapper.AbstractBase {
  private static final String HOOKS = Type.getInternalName(Hooks.class);
  private static final String HOOK_DESCRIPTOR =
      "(Ljava/lang/Class;Ljava/lang/String;)Ljava/lang/Object;";

  private final List<FieldDescription> instanceFields = new ArrayList<>();
  private final List<FieldDescription> staticFields = new ArrayList<>();

  RemoteRefVisitor(TypeDescription type) {
    for (FieldDescription.InDefinedShape f : type.getDeclaredFields()) {
      for (AnnotationDescription a : f.getDeclaredAnnotations()) {
        // By name: the application's copy of the annotation class need not be ours.
        if (a.getAnnotationType().getName().equals(Instrumentations.REMOTE_REF)) {
          (f.isStatic() ? staticFields : instanceFields).add(f);
        }
      }
    }
  }

  @Override
  public int mergeWriter(int flags) {
    return flags | ClassWriter.COMPUTE_MAXS;
  }

  @Override
  public ClassVisitor wrap(
      TypeDescription instrumentedType,
      ClassVisitor classVisitor,
      Implementation.Context implementationContext,
      TypePool typePool,
      FieldList<FieldDescription.InDefinedShape> fields,
      MethodList<?> methods,
      int writerFlags,
      int readerFlags) {
    String owner = instrumentedType.getInternalName();
    return new ClassVisitor(OpenedClassReader.ASM_API, classVisitor) {
      private boolean sawClassInitializer;

      @Override
      public MethodVisitor visitMethod(
          int access, String name, String descriptor, String signature, String[] exceptions) {
        MethodVisitor mv = super.visitMethod(access, name, descriptor, signature, exceptions);
        if (name.equals("<init>") && !instanceFields.isEmpty()) {
          return new AfterSuperCall(mv, owner);
        }
        if (name.equals("<clinit>") && !staticFields.isEmpty()) {
          sawClassInitializer = true;
          return new MethodVisitor(OpenedClassReader.ASM_API, mv) {
            @Override
            public void visitCode() {
              super.visitCode();
              setStaticFields(mv, owner);
            }
          };
        }
        return mv;
      }

      @Override
      public void visitEnd() {
        if (!sawClassInitializer && !staticFields.isEmpty()) {
          MethodVisitor mv = super.visitMethod(Opcodes.ACC_STATIC, "<clinit>", "()V", null, null);
          mv.visitCode();
          setStaticFields(mv, owner);
          mv.visitInsn(Opcodes.RETURN);
          mv.visitMaxs(0, 0);
          mv.visitEnd();
        }
        super.visitEnd();
      }
    };
  }

  private void setStaticFields(MethodVisitor mv, String owner) {
    for (FieldDescription f : staticFields) {
      pushStub(mv, owner, f);
      mv.visitFieldInsn(Opcodes.PUTSTATIC, owner, f.getName(), f.getDescriptor());
    }
  }

  private static void pushStub(MethodVisitor mv, String owner, FieldDescription f) {
    mv.visitLdcInsn(Type.getObjectType(owner));
    mv.visitLdcInsn(f.getName());
    mv.visitMethodInsn(Opcodes.INVOKESTATIC, HOOKS, "remoteRef", HOOK_DESCRIPTOR, false);
    mv.visitTypeInsn(Opcodes.CHECKCAST, f.getType().asErasure().getInternalName());
  }

  /**
   * Finds the constructor's own {@code super(...)}/{@code this(...)} call: the first {@code
   * invokespecial <init>} not paired with an earlier {@code new} (arguments may construct objects
   * of their own), and sets the instance fields right after it.
   */
  private final class AfterSuperCall extends MethodVisitor {
    private final String owner;
    private int unpairedNews;
    private boolean done;

    AfterSuperCall(MethodVisitor mv, String owner) {
      super(OpenedClassReader.ASM_API, mv);
      this.owner = owner;
    }

    @Override
    public void visitTypeInsn(int opcode, String type) {
      if (opcode == Opcodes.NEW) {
        unpairedNews++;
      }
      super.visitTypeInsn(opcode, type);
    }

    @Override
    public void visitMethodInsn(
        int opcode, String methodOwner, String name, String descriptor, boolean isInterface) {
      super.visitMethodInsn(opcode, methodOwner, name, descriptor, isInterface);
      if (done || opcode != Opcodes.INVOKESPECIAL || !name.equals("<init>")) {
        return;
      }
      if (unpairedNews > 0) {
        unpairedNews--;
        return;
      }
      done = true;
      for (FieldDescription f : instanceFields) {
        mv.visitVarInsn(Opcodes.ALOAD, 0);
        pushStub(mv, owner, f);
        mv.visitFieldInsn(Opcodes.PUTFIELD, owner, f.getName(), f.getDescriptor());
      }
    }
  }
}
