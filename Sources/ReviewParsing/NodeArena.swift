import CLibXML2

/// Memory for a tree of libxml2 node structs, freed all at once when the arena goes.
/// Noncopyable: it owns its chunks.
struct NodeArena: ~Copyable {
    private var chunks: [UnsafeMutableRawPointer] = []
    private var next: UnsafeMutableRawPointer?
    private var end: UnsafeMutableRawPointer?
    private var chunkSize: Int

    /// - Parameter sourceBytes: the document's size, to size the first chunk.
    init(sourceBytes: Int) {
        chunkSize = max(64 << 10, min(sourceBytes * 2, 32 << 20))
    }

    deinit {
        for chunk in chunks { chunk.deallocate() }
    }

    /// `size` bytes at `alignment` (a power of two) from the current chunk, else from a new
    /// one: inlined where nodes and texts are made (the call cost as much as the rest).
    @inline(__always)
    mutating func allocate(_ size: Int, alignment: Int) -> UnsafeMutableRawPointer {
        if let start = next, let end {
            let aligned = start.alignedUp(toMultipleOf: alignment)
            if aligned + size <= end {
                next = aligned + size
                return aligned
            }
        }
        return allocateChunk(size, alignment: alignment)
    }

    /// ``allocate(_:alignment:)`` from a new chunk.
    @inline(never)
    private mutating func allocateChunk(_ size: Int, alignment: Int) -> UnsafeMutableRawPointer {
        let capacity = max(chunkSize, size + alignment)
        let chunk = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 16)
        chunks.append(chunk)
        chunkSize = min(chunkSize * 2, 64 << 20)
        next = chunk + size
        end = chunk + capacity
        return chunk
    }

    /// A zeroed node of the given type.
    mutating func node(_ type: xmlElementType) -> xmlNodePtr {
        let node = allocate(MemoryLayout<xmlNode>.stride, alignment: MemoryLayout<xmlNode>.alignment)
            .bindMemory(to: xmlNode.self, capacity: 1)
        node.initialize(to: xmlNode())
        node.pointee.type = type
        return node
    }

    /// A NUL-terminated copy of `count` bytes.
    mutating func copy(_ bytes: UnsafePointer<xmlChar>?, count: Int) -> UnsafeMutablePointer<xmlChar> {
        let storage = allocate(count + 1, alignment: 1).bindMemory(to: xmlChar.self, capacity: count + 1)
        if count > 0, let bytes { storage.update(from: bytes, count: count) }
        storage[count] = 0
        return storage
    }

    /// `content` (a NUL-terminated string of `length` bytes from this arena) with `count` more
    /// bytes: grown in place when it is the latest allocation and the chunk has room, else copied.
    mutating func appending(
        _ bytes: UnsafePointer<xmlChar>, count: Int, to content: UnsafeMutablePointer<xmlChar>, length: Int
    ) -> UnsafeMutablePointer<xmlChar> {
        if UnsafeMutableRawPointer(content + length + 1) == next, let next, let end, next + count <= end {
            (content + length).update(from: bytes, count: count)
            content[length + count] = 0
            self.next = next + count
            return content
        }
        let joined = allocate(length + count + 1, alignment: 1).bindMemory(to: xmlChar.self, capacity: length + count + 1)
        joined.update(from: content, count: length)
        (joined + length).update(from: bytes, count: count)
        joined[length + count] = 0
        return joined
    }
    /// An attribute node named `name` (a string libxml2 keeps alive for the parse) added to
    /// `element` after `previous` (first when nil), with one text child holding a copy of
    /// `value`'s bytes (empty when they are nil), or no child when `value` is nil: what
    /// libxml2's builders make.
    mutating func attribute(
        _ name: UnsafePointer<xmlChar>, value: (bytes: UnsafePointer<xmlChar>?, count: Int)?, of element: xmlNodePtr,
        after previous: UnsafeMutablePointer<xmlAttr>?
    ) -> UnsafeMutablePointer<xmlAttr> {
        let attribute = allocate(MemoryLayout<xmlAttr>.stride, alignment: MemoryLayout<xmlAttr>.alignment)
            .bindMemory(to: xmlAttr.self, capacity: 1)
        attribute.initialize(to: xmlAttr())
        attribute.pointee.type = XML_ATTRIBUTE_NODE
        attribute.pointee.name = name
        attribute.pointee.parent = element
        if let value {
            let text = node(XML_TEXT_NODE)
            text.pointee.content = copy(value.bytes, count: value.count)
            text.pointee.parent = UnsafeMutableRawPointer(attribute).assumingMemoryBound(to: xmlNode.self)
            attribute.pointee.children = text
            attribute.pointee.last = text
        }
        if let previous {
            previous.pointee.next = attribute
            attribute.pointee.prev = previous
        } else {
            element.pointee.properties = attribute
        }
        return attribute
    }

    /// Memory holding `range`, for ``HTMLTreeBuilder`` to hang on a text node whose content is
    /// exactly that range of the source (read back with `xmlNodePtr.knownSourceSpan`), and
    /// `markupFrom`: a position before it from which only markup that
    /// ``MarkupScanner/skipMarkup(_:)`` skips whole leads to it, or -1 (read back with
    /// `xmlNodePtr.knownMarkupStart`).
    mutating func sourceSpan(_ range: Range<Int>, markupFrom: Int = -1) -> UnsafeMutableRawPointer {
        let memory = allocate(3 * MemoryLayout<Int>.stride, alignment: MemoryLayout<Int>.alignment)
        let bounds = memory.bindMemory(to: Int.self, capacity: 3)
        bounds[0] = range.lowerBound
        bounds[1] = range.upperBound
        bounds[2] = markupFrom
        return memory
    }

    /// Appends `child` as the last child of `parent` (`xmlAddChild` without text merging).
    static func appendChild(_ child: xmlNodePtr, to parent: xmlNodePtr) {
        child.pointee.parent = parent
        if let last = parent.pointee.last {
            last.pointee.next = child
            child.pointee.prev = last
        } else {
            parent.pointee.children = child
        }
        parent.pointee.last = child
    }
}
