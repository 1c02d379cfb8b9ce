import type { DescEnum, DescExtension, DescFile, DescMessage, DescService } from '@bufbuild/protobuf';
import { toBinary } from '@bufbuild/protobuf';
import { nestedTypes } from '@bufbuild/protobuf/reflect';
import { FileDescriptorProtoSchema } from '@bufbuild/protobuf/wkt';

/**
 * What server reflection describes: a set of served services and every file they need, indexed
 * from the generated descriptors (each file's FileDescriptorProto, which protobuf-es embeds in the
 * generated code), so the schema a client downloads is the very one the server runs.
 */
export class ReflectedSchema {
  /** Full names of the served services, in the order given. */
  readonly serviceNames: readonly string[];
  private readonly filesByName = new Map<string, DescFile>();
  /** Every fully-qualified name (type, field, oneof, enum value, method) to its file. */
  private readonly symbols = new Map<string, DescFile>();
  private readonly messageNames = new Set<string>();
  /** Extensions by the message they extend. */
  private readonly extensions = new Map<string, DescExtension[]>();
  private readonly encoded = new Map<DescFile, Uint8Array>();

  constructor(services: readonly DescService[]) {
    this.serviceNames = services.map((service) => service.typeName);
    for (const service of services) this.addFile(service.file);
  }

  fileByName(name: string): DescFile | undefined {
    return this.filesByName.get(name);
  }

  fileContainingSymbol(symbol: string): DescFile | undefined {
    return this.symbols.get(symbol);
  }

  fileContainingExtension(extendee: string, number: number): DescFile | undefined {
    return this.extensions.get(extendee)?.find((extension) => extension.number === number)?.file;
  }

  /** The field numbers of a message's known extensions; undefined for an unknown message. */
  extensionNumbersOf(typeName: string): number[] | undefined {
    if (!this.messageNames.has(typeName)) return undefined;
    return (this.extensions.get(typeName) ?? []).map((extension) => extension.number);
  }

  /** The encoded file, then every file it imports, directly or not (each once). */
  encodedWithDependencies(file: DescFile): Uint8Array[] {
    const seen = new Set<DescFile>();
    const visit = (current: DescFile) => {
      if (seen.has(current)) return;
      seen.add(current);
      for (const dependency of current.dependencies) visit(dependency);
    };
    visit(file);
    return [...seen].map((each) => this.encodedFile(each));
  }

  private encodedFile(file: DescFile): Uint8Array {
    let bytes = this.encoded.get(file);
    if (!bytes) {
      bytes = toBinary(FileDescriptorProtoSchema, file.proto);
      this.encoded.set(file, bytes);
    }
    return bytes;
  }

  private addFile(file: DescFile): void {
    if (this.filesByName.has(file.proto.name)) return;
    this.filesByName.set(file.proto.name, file);
    for (const dependency of file.dependencies) this.addFile(dependency);
    for (const type of nestedTypes(file)) this.addType(file, type);
  }

  private addType(file: DescFile, type: DescMessage | DescEnum | DescExtension | DescService): void {
    this.symbols.set(type.typeName, file);
    switch (type.kind) {
      case 'message':
        this.messageNames.add(type.typeName);
        for (const member of [...type.fields, ...type.oneofs])
          this.symbols.set(`${type.typeName}.${member.name}`, file);
        return;
      case 'enum': {
        // Enum values are scoped like C++ enumerators: beside the enum, not inside it.
        const scope = type.typeName.slice(0, type.typeName.length - type.name.length);
        for (const value of type.values) this.symbols.set(`${scope}${value.name}`, file);
        return;
      }
      case 'service':
        for (const method of type.methods) this.symbols.set(`${type.typeName}.${method.name}`, file);
        return;
      case 'extension': {
        const known = this.extensions.get(type.extendee.typeName);
        if (known) known.push(type);
        else this.extensions.set(type.extendee.typeName, [type]);
        return;
      }
    }
  }
}
