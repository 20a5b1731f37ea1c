using System.Collections.Immutable;
using System.Reflection.Emit;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;

namespace Equimodal.Tests.Build;

/// <summary>One IL instruction: where it starts, its opcode, and its operand (a token, a local's index, or 0).</summary>
internal readonly record struct IlInstruction(int Offset, ILOpCode OpCode, int Operand);

/// <summary>A place where IL code creates a TorchSharp Scalar that nothing keeps alive across the native call using it.</summary>
/// <param name="Method">The method whose IL does it, as <c>Namespace.Type::name(parameter types)</c>.</param>
/// <param name="Offset">The IL offset of the call.</param>
/// <param name="Callee">The called method that creates the Scalar (a conversion), creates one inside it, or creates a module or optimizer whose forward or step does.</param>
/// <param name="Source">The source file and line of the call, from the assembly's portable PDB when there is one.</param>
internal sealed record UnheldScalar(string Method, int Offset, string Callee, string? Source)
{
    public override string ToString() => $"{Source ?? Method + " at IL_" + Offset.ToString("x4")}: {Callee}";
}

/// <summary>What the scan learned from TorchSharp's own IL.</summary>
/// <param name="Factories">Methods that return a Scalar they create (conversions, <c>ToScalar</c>): their result must be held.</param>
/// <param name="UnsafeMethods">Methods that create a Scalar without holding it, directly or through a TorchSharp method they call.</param>
/// <param name="UnsafeTypes">Modules and optimizers whose <c>forward</c> or <c>step</c> is unsafe: the trainer reaches those through virtual calls, so creating one is what is caught.</param>
internal sealed record LibraryScalars(IReadOnlySet<string> Factories, IReadOnlySet<string> UnsafeMethods, IReadOnlySet<string> UnsafeTypes);

/// <summary>
/// Finds the Scalars that TorchSharp 0.107 code and code calling it create without holding them. TorchSharp passes a
/// Scalar's handle to native code and nothing keeps the object alive during the call, so a garbage collection on another
/// thread can run its finalizer, which frees the native value while the kernel is about to read it. A Scalar is held
/// when it is returned to the caller, stored in a field, or stored in a local that the method disposes or keeps alive
/// (<c>using</c>, <c>GC.KeepAlive</c>); anything else (a conversion passed straight to a call) is a temporary.
/// </summary>
internal static class IlScalarScan
{
    private const string ScalarType = "TorchSharp.Scalar";

    /// <summary>Reads TorchSharp's IL (<paramref name="torchSharpPath"/>): which of its methods and types create Scalars without holding them.</summary>
    public static LibraryScalars Library(string torchSharpPath)
    {
        using var assembly = new IlAssembly(torchSharpPath);
        var methods = assembly.Methods().ToDictionary(m => m.Name, m => m.Body, StringComparer.Ordinal);
        // A method that returns a Scalar it just made is a factory, like ToScalar: its call sites create the Scalar.
        var factories = new HashSet<string>(StringComparer.Ordinal);
        Grow(factories, methods, (_, body) => ReturnsNewScalar(assembly, body, factories));
        var unsafeMethods = new HashSet<string>(methods.Where(m => !factories.Contains(m.Key) && Temporaries(assembly, m.Value, factories).Any()).Select(m => m.Key), StringComparer.Ordinal);
        // Delegates count as calls: the optimizers' step passes its per-group update as a lambda.
        Grow(unsafeMethods, methods, (_, body) => body.Any(i => (IsCall(i) || i.OpCode is ILOpCode.Ldftn or ILOpCode.Ldvirtftn) && unsafeMethods.Contains(assembly.CalleeName(i.Operand))));

        var unsafeTypes = new HashSet<string>(unsafeMethods.Where(m => m.Contains("::forward(", StringComparison.Ordinal) || m.Contains("::step(", StringComparison.Ordinal))
            .Select(DeclaringType), StringComparer.Ordinal);
        IReadOnlyDictionary<string, string> bases = assembly.BaseTypes();
        bool changed = true;
        while (changed)
        {
            changed = false;
            foreach (var (type, baseType) in bases)
                if (unsafeTypes.Contains(baseType) && unsafeTypes.Add(type)) changed = true;
        }
        return new LibraryScalars(factories, unsafeMethods, unsafeTypes);
    }

    /// <summary>
    /// Every place in the assembly at <paramref name="path"/> that creates a Scalar without holding it, calls a method of
    /// <paramref name="library"/> that does, or creates one of its unsafe modules or optimizers.
    /// </summary>
    public static IReadOnlyList<UnheldScalar> Scan(string path, LibraryScalars library)
    {
        using var assembly = new IlAssembly(path);
        var found = new List<UnheldScalar>();
        foreach (var (handle, name, body) in assembly.MethodsWithHandles())
        {
            foreach (IlInstruction site in Temporaries(assembly, body, library.Factories))
                found.Add(new UnheldScalar(name, site.Offset, assembly.CalleeName(site.Operand), assembly.SourceLine(handle, site.Offset)));
            foreach (IlInstruction call in body.Where(i => IsCall(i) || i.OpCode is ILOpCode.Ldftn or ILOpCode.Ldvirtftn))
            {
                string callee = assembly.CalleeName(call.Operand);
                bool createsUnsafeObject = call.OpCode == ILOpCode.Newobj ? library.UnsafeTypes.Contains(DeclaringType(callee)) : library.UnsafeTypes.Contains(assembly.CalleeReturns(call.Operand));
                if (library.UnsafeMethods.Contains(callee) || createsUnsafeObject)
                    found.Add(new UnheldScalar(name, call.Offset, callee, assembly.SourceLine(handle, call.Offset)));
            }
        }
        return found;
    }

    private static string DeclaringType(string method) => method[..method.IndexOf("::", StringComparison.Ordinal)];

    // Adds every method that satisfies the condition, until no more do (the condition may read the set).
    private static void Grow(HashSet<string> set, IReadOnlyDictionary<string, IReadOnlyList<IlInstruction>> methods, Func<string, IReadOnlyList<IlInstruction>, bool> condition)
    {
        bool changed = true;
        while (changed)
        {
            changed = false;
            foreach (var (name, body) in methods)
                if (!set.Contains(name) && condition(name, body) && set.Add(name)) changed = true;
        }
    }

    private static IEnumerable<IlInstruction> Temporaries(IlAssembly assembly, IReadOnlyList<IlInstruction> body, IReadOnlySet<string> factories)
    {
        for (int i = 0; i < body.Count; i++)
        {
            if (!CreatesScalar(assembly, body[i], factories)) continue;
            if (i + 1 < body.Count && IsHeld(assembly, body, body[i + 1])) continue;
            yield return body[i];
        }
    }

    private static bool IsHeld(IlAssembly assembly, IReadOnlyList<IlInstruction> body, IlInstruction next) => next.OpCode switch
    {
        ILOpCode.Ret or ILOpCode.Stsfld or ILOpCode.Stfld => true,
        _ => StoredLocal(next) is int local && IsDisposedOrKeptAlive(assembly, body, local),
    };

    // `using` ends in `ldloc N; [brfalse; ldloc N;] callvirt Dispose` in a finally block; GC.KeepAlive(x) is `ldloc N; call KeepAlive`.
    private static bool IsDisposedOrKeptAlive(IlAssembly assembly, IReadOnlyList<IlInstruction> body, int local)
    {
        for (int i = 0; i < body.Count; i++)
        {
            if (LoadedLocal(body[i]) != local) continue;
            for (int j = i + 1; j < Math.Min(i + 4, body.Count); j++)
                if (IsCall(body[j]) && assembly.CalleeName(body[j].Operand) is "System.IDisposable::Dispose()" or "TorchSharp.Scalar::Dispose()" or "System.GC::KeepAlive(Object)")
                    return true;
        }
        return false;
    }

    private static bool ReturnsNewScalar(IlAssembly assembly, IReadOnlyList<IlInstruction> body, IReadOnlySet<string> factories) =>
        Enumerable.Range(0, body.Count - 1).Any(i => CreatesScalar(assembly, body[i], factories) && body[i + 1].OpCode == ILOpCode.Ret);

    private static bool CreatesScalar(IlAssembly assembly, IlInstruction instruction, IReadOnlySet<string> factories)
    {
        if (!IsCall(instruction) && instruction.OpCode != ILOpCode.Newobj) return false;
        string callee = assembly.CalleeName(instruction.Operand);
        return callee.StartsWith(ScalarType + "::.ctor(", StringComparison.Ordinal)
            || (callee.StartsWith(ScalarType + "::op_Implicit(", StringComparison.Ordinal) && assembly.CalleeReturns(instruction.Operand) == ScalarType)
            || (callee.Contains("::ToScalar(", StringComparison.Ordinal) && assembly.CalleeReturns(instruction.Operand) == ScalarType)
            || factories.Contains(callee);
    }

    private static bool IsCall(IlInstruction instruction) => instruction.OpCode is ILOpCode.Call or ILOpCode.Callvirt or ILOpCode.Newobj;

    private static int? StoredLocal(IlInstruction instruction) => instruction.OpCode switch
    {
        ILOpCode.Stloc_0 => 0,
        ILOpCode.Stloc_1 => 1,
        ILOpCode.Stloc_2 => 2,
        ILOpCode.Stloc_3 => 3,
        ILOpCode.Stloc_s or ILOpCode.Stloc => instruction.Operand,
        _ => null,
    };

    private static int? LoadedLocal(IlInstruction instruction) => instruction.OpCode switch
    {
        ILOpCode.Ldloc_0 => 0,
        ILOpCode.Ldloc_1 => 1,
        ILOpCode.Ldloc_2 => 2,
        ILOpCode.Ldloc_3 => 3,
        ILOpCode.Ldloc_s or ILOpCode.Ldloc or ILOpCode.Ldloca_s or ILOpCode.Ldloca => instruction.Operand,
        _ => null,
    };
}

/// <summary>An assembly's methods and instructions, with the names of the methods its call instructions refer to.</summary>
internal sealed class IlAssembly : IDisposable
{
    private static readonly Dictionary<ushort, OperandType> OperandTypes = typeof(OpCodes).GetFields()
        .Select(field => (OpCode)field.GetValue(null)!)
        .ToDictionary(code => unchecked((ushort)code.Value), code => code.OperandType);

    private readonly PEReader _pe;
    private readonly MetadataReader _metadata;
    private readonly MetadataReaderProvider? _pdbProvider;
    private readonly MetadataReader? _pdb;
    private readonly Dictionary<int, (string Name, string Returns)> _callees = new();

    public IlAssembly(string path)
    {
        _pe = new PEReader(File.OpenRead(path));
        _metadata = _pe.GetMetadataReader();
        string pdb = Path.ChangeExtension(path, ".pdb");
        if (File.Exists(pdb))
        {
            _pdbProvider = MetadataReaderProvider.FromPortablePdbStream(File.OpenRead(pdb));
            _pdb = _pdbProvider.GetMetadataReader();
        }
    }

    public void Dispose()
    {
        _pe.Dispose();
        _pdbProvider?.Dispose();
    }

    /// <summary>Every method with a body, named <c>Namespace.Type::name(parameter types)</c>, and its instructions.</summary>
    public IEnumerable<(string Name, IReadOnlyList<IlInstruction> Body)> Methods() => MethodsWithHandles().Select(m => (m.Name, m.Body));

    /// <summary><see cref="Methods"/> with each method's handle, for <see cref="SourceLine"/>.</summary>
    public IEnumerable<(MethodDefinitionHandle Handle, string Name, IReadOnlyList<IlInstruction> Body)> MethodsWithHandles()
    {
        foreach (MethodDefinitionHandle handle in _metadata.MethodDefinitions)
        {
            MethodDefinition method = _metadata.GetMethodDefinition(handle);
            if (method.RelativeVirtualAddress == 0) continue;
            yield return (handle, CalleeName(MetadataTokens.GetToken(handle)), Decode(_pe.GetMethodBody(method.RelativeVirtualAddress).GetILReader()));
        }
    }

    /// <summary>Each type defined in the assembly and the name of its base type.</summary>
    public IReadOnlyDictionary<string, string> BaseTypes()
    {
        var provider = new TypeNames(_metadata);
        var bases = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (TypeDefinitionHandle handle in _metadata.TypeDefinitions)
        {
            EntityHandle baseType = _metadata.GetTypeDefinition(handle).BaseType;
            if (!baseType.IsNil) bases[provider.Name(handle)] = provider.ParentName(baseType);
        }
        return bases;
    }

    /// <summary>"file:line" of the statement holding IL offset <paramref name="offset"/>, when the assembly has a portable PDB beside it.</summary>
    public string? SourceLine(MethodDefinitionHandle method, int offset)
    {
        if (_pdb is null) return null;
        SequencePoint? statement = null;
        foreach (SequencePoint point in _pdb.GetMethodDebugInformation(method).GetSequencePoints())
            if (!point.IsHidden && point.Offset <= offset && (statement is null || point.Offset >= statement.Value.Offset)) statement = point;
        if (statement is not { } found) return null;
        return $"{_pdb.GetString(_pdb.GetDocument(found.Document).Name)}:{found.StartLine}";
    }

    /// <summary>The name of the method a call's token refers to (definition, reference or generic instantiation).</summary>
    public string CalleeName(int token) => Callee(token).Name;

    /// <summary>The return type's name of the method a call's token refers to.</summary>
    public string CalleeReturns(int token) => Callee(token).Returns;

    private (string Name, string Returns) Callee(int token)
    {
        if (_callees.TryGetValue(token, out var known)) return known;
        var provider = new TypeNames(_metadata);
        EntityHandle handle = MetadataTokens.EntityHandle(token);
        (string Name, string Returns) result;
        switch (handle.Kind)
        {
            case HandleKind.MethodDefinition:
            {
                MethodDefinition method = _metadata.GetMethodDefinition((MethodDefinitionHandle)handle);
                MethodSignature<string> signature = method.DecodeSignature(provider, null);
                result = Format(provider.Name(method.GetDeclaringType()), _metadata.GetString(method.Name), signature);
                break;
            }
            case HandleKind.MemberReference:
            {
                MemberReference member = _metadata.GetMemberReference((MemberReferenceHandle)handle);
                if (member.GetKind() != MemberReferenceKind.Method) return _callees[token] = ("", "");
                MethodSignature<string> signature = member.DecodeMethodSignature(provider, null);
                result = Format(provider.ParentName(member.Parent), _metadata.GetString(member.Name), signature);
                break;
            }
            case HandleKind.MethodSpecification:
                result = Callee(MetadataTokens.GetToken(_metadata.GetMethodSpecification((MethodSpecificationHandle)handle).Method));
                break;
            default:
                result = ("", "");
                break;
        }
        return _callees[token] = result;
    }

    // Conversion operators are the one kind of overload told apart by return type alone.
    private static (string, string) Format(string type, string name, MethodSignature<string> signature) =>
        ($"{type}::{name}{(signature.GenericParameterCount > 0 ? "``" + signature.GenericParameterCount : "")}({string.Join(", ", signature.ParameterTypes)})" + (name is "op_Implicit" or "op_Explicit" ? " -> " + signature.ReturnType : ""), signature.ReturnType);

    private static IReadOnlyList<IlInstruction> Decode(BlobReader reader)
    {
        var instructions = new List<IlInstruction>();
        while (reader.RemainingBytes > 0)
        {
            int offset = reader.Offset;
            ushort value = reader.ReadByte();
            if (value == 0xFE) value = (ushort)(0xFE00 | reader.ReadByte());
            int operand = 0;
            switch (OperandTypes[value])
            {
                case OperandType.InlineNone: break;
                case OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar: operand = reader.ReadByte(); break;
                case OperandType.InlineVar: operand = reader.ReadUInt16(); break;
                case OperandType.InlineI8 or OperandType.InlineR: reader.ReadInt64(); break;
                case OperandType.InlineSwitch:
                    int targets = reader.ReadInt32();
                    reader.Offset += 4 * targets;
                    break;
                default: operand = reader.ReadInt32(); break;
            }
            instructions.Add(new IlInstruction(offset, (ILOpCode)value, operand));
        }
        return instructions;
    }

    /// <summary>Type names as C# reflection writes them (<c>TorchSharp.torch+Tensor</c>), for method names that compare across assemblies.</summary>
    private sealed class TypeNames(MetadataReader metadata) : ISignatureTypeProvider<string, object?>
    {
        public string Name(TypeDefinitionHandle handle)
        {
            TypeDefinition type = metadata.GetTypeDefinition(handle);
            string name = metadata.GetString(type.Name);
            TypeDefinitionHandle outer = type.GetDeclaringType();
            if (!outer.IsNil) return Name(outer) + "+" + name;
            string space = metadata.GetString(type.Namespace);
            return space.Length == 0 ? name : space + "." + name;
        }

        public string Name(TypeReferenceHandle handle)
        {
            TypeReference type = metadata.GetTypeReference(handle);
            string name = metadata.GetString(type.Name);
            if (type.ResolutionScope.Kind == HandleKind.TypeReference) return Name((TypeReferenceHandle)type.ResolutionScope) + "+" + name;
            string space = metadata.GetString(type.Namespace);
            return space.Length == 0 ? name : space + "." + name;
        }

        public string ParentName(EntityHandle parent) => parent.Kind switch
        {
            HandleKind.TypeDefinition => Name((TypeDefinitionHandle)parent),
            HandleKind.TypeReference => Name((TypeReferenceHandle)parent),
            HandleKind.TypeSpecification => metadata.GetTypeSpecification((TypeSpecificationHandle)parent).DecodeSignature(this, null),
            HandleKind.MethodDefinition => Name(metadata.GetMethodDefinition((MethodDefinitionHandle)parent).GetDeclaringType()),
            _ => "?",
        };

        public string GetTypeFromDefinition(MetadataReader reader, TypeDefinitionHandle handle, byte rawTypeKind) => Name(handle);
        public string GetTypeFromReference(MetadataReader reader, TypeReferenceHandle handle, byte rawTypeKind) => Name(handle);
        public string GetTypeFromSpecification(MetadataReader reader, object? context, TypeSpecificationHandle handle, byte rawTypeKind) =>
            reader.GetTypeSpecification(handle).DecodeSignature(this, context);
        public string GetPrimitiveType(PrimitiveTypeCode typeCode) => typeCode.ToString();
        public string GetSZArrayType(string elementType) => elementType + "[]";
        public string GetArrayType(string elementType, ArrayShape shape) => elementType + "[" + new string(',', shape.Rank - 1) + "]";
        public string GetByReferenceType(string elementType) => elementType + "&";
        public string GetPointerType(string elementType) => elementType + "*";
        public string GetGenericInstantiation(string genericType, ImmutableArray<string> typeArguments) => genericType + "<" + string.Join(",", typeArguments) + ">";
        public string GetGenericTypeParameter(object? context, int index) => "!" + index;
        public string GetGenericMethodParameter(object? context, int index) => "!!" + index;
        public string GetFunctionPointerType(MethodSignature<string> signature) => "fnptr";
        public string GetModifiedType(string modifier, string unmodifiedType, bool isRequired) => unmodifiedType;
        public string GetPinnedType(string elementType) => elementType;
    }
}
