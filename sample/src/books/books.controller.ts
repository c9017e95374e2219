import {
  Body,
  Controller,
  Delete,
  Get,
  Headers,
  NotFoundException,
  Param,
  Put,
} from '@nestjs/common';
import { Cors } from 'nestjs-cors';

interface Book {
  id: number;
  title: string;
}

/**
 * A controller-level policy: the module default's origins, with the methods and request headers
 * this controller's routes need (a JSON `PUT` is preflighted because of its Content-Type), and
 * credentials: with them the policy vouches for its origins' writes, which CSRF protection then lets
 * through (`corsTrusted(app)` in api.ts); a policy without them would get its `PUT` a 403.
 */
@Cors({ methods: ['GET', 'PUT'], allowedHeaders: ['Content-Type'], credentials: true })
@Controller('books')
export class BooksController {
  private readonly books = new Map<number, Book>([
    [1, { id: 1, title: 'The Pragmatic Programmer' }],
    [2, { id: 2, title: 'Designing Data-Intensive Applications' }],
  ]);

  @Get()
  list(): Book[] {
    return [...this.books.values()];
  }

  /** A named policy: `public` allows any origin, with no credentials. */
  @Cors('public')
  @Get('catalog')
  catalog() {
    return { titles: this.books.size };
  }

  /** The controller's policy. */
  @Put(':id')
  update(@Param('id') id: string, @Body() body: { title?: string }): Book {
    const book = this.find(id);
    if (typeof body?.title === 'string') book.title = body.title;
    return book;
  }

  /**
   * A handler override, merged over the controller's policy: DELETE, with a confirmation header
   * that the controller's other routes do not accept.
   */
  @Cors({ methods: ['DELETE'], allowedHeaders: ['X-Confirm'] })
  @Delete(':id')
  remove(@Param('id') id: string, @Headers('x-confirm') confirm?: string) {
    const book = this.find(id);
    // Anything but "yes" is a dry run, so that the page can be run again and again.
    if (confirm === 'yes') this.books.delete(book.id);
    return { id: book.id, deleted: confirm === 'yes' };
  }

  private find(id: string): Book {
    const book = this.books.get(Number(id));
    if (book === undefined) throw new NotFoundException(`No book ${id}`);
    return book;
  }
}
