package io.camstream.model;

import io.camstream.model.proto.Framework.*;
import java.nio.file.Path;

public class Dump {
  public static void main(String[] a) throws Exception {
    ProgramDesc p = ProgramIO.read(Path.of(a[0]));
    BlockDesc b = p.getBlocks(0);
    System.out.println("version " + p.getVersion().getVersion() + " opver " + p.getOpVersionMap().getPairCount());
    for (OpDesc op : b.getOpsList()) {
      StringBuilder sb = new StringBuilder(op.getType());
      for (OpDesc.Var v : op.getInputsList()) sb.append(" I:").append(v.getParameter()).append(v.getArgumentsList());
      for (OpDesc.Var v : op.getOutputsList()) sb.append(" O:").append(v.getParameter()).append(v.getArgumentsList());
      if (a.length > 1) for (OpDesc.Attr at : op.getAttrsList()) if (!at.getName().equals("op_callstack")) sb.append(" @").append(at.getName()).append("=").append(at.getType()).append(":").append(at.hasI()?at.getI(): at.hasF()?at.getF(): at.hasS()?at.getS(): at.hasB()?at.getB(): at.getIntsCount()>0?at.getIntsList(): at.getFloatsCount()>0? at.getFloatsList(): at.getStringsCount()>0?at.getStringsList():at.hasL()?at.getL():"");
      System.out.println(sb);
    }
  }
}
